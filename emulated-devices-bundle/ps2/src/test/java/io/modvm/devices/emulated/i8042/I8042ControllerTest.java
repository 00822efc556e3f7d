package io.modvm.devices.emulated.i8042;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceException;
import io.modvm.testkit.device.FakeDeviceContext;
import io.modvm.testkit.device.FakeIrqLine;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class I8042ControllerTest {
    private static final int DATA = 0x60;
    private static final int STATUS = 0x64;
    private static final int OBF = 0x01;
    private static final int AUX_DATA = 0x20;

    private FakeDeviceContext context;
    private FakeIrqLine kbdIrq;
    private FakeIrqLine auxIrq;
    private Device controller;

    @BeforeEach
    void plug() throws Exception {
        context = new FakeDeviceContext();
        controller = new I8042Factory().create(context, Map.of());
        kbdIrq = context.line(1);
        auxIrq = context.line(12);
    }

    /** Linux's i8042_command: write the command, its parameters, then wait (bounded) for each result byte. */
    private int[] command(int command, int resultCount, int... parameters) {
        assertEquals(0, context.inb(STATUS) & 0x02, "input buffer never full");
        context.outb(STATUS, command);
        for (int parameter : parameters) {
            context.outb(DATA, parameter);
        }
        return results(resultCount);
    }

    private int[] keyboard(int value, int resultCount) {
        context.outb(DATA, value);
        return results(resultCount);
    }

    private int[] results(int count) {
        int[] results = new int[count];
        for (int i = 0; i < count; i++) {
            if ((context.inb(STATUS) & OBF) == 0) {
                fail("result byte " + i + " never arrived");
            }
            results[i] = context.inb(DATA);
        }
        return results;
    }

    private void assertEmpty() {
        assertEquals(0, context.inb(STATUS) & OBF, "nothing more in the output buffer");
    }

    @Test
    void powerOnStatusHasKeylockOpenAndNoData() {
        int status = context.inb(STATUS);
        assertEquals(0x10, status & 0x10, "unlocked, or Linux warns about the keylock");
        assertEquals(0, status & (OBF | 0x02 | 0x04));
    }

    @Test
    void selfTestAnswers55AndSetsTheSystemFlag() {
        assertArrayEquals(new int[] {0x55}, command(0xaa, 1));
        assertEquals(0x04, context.inb(STATUS) & 0x04);
        assertEmpty();
    }

    @Test
    void interfaceTestsPass() {
        assertArrayEquals(new int[] {0x00}, command(0xab, 1));
        assertArrayEquals(new int[] {0x00}, command(0xa9, 1));
    }

    @Test
    void commandByteReadsBackWhatWasWritten() {
        assertArrayEquals(new int[] {0x03}, command(0x20, 1));
        command(0x60, 0, 0x65);
        assertArrayEquals(new int[] {0x65}, command(0x20, 1));
        assertEquals(0x04, context.inb(STATUS) & 0x04, "system flag follows the command byte");
    }

    @Test
    void statusBit3TellsCommandFromData() {
        context.outb(STATUS, 0x60);
        assertEquals(0x08, context.inb(STATUS) & 0x08);
        context.outb(DATA, 0x03);
        assertEquals(0x00, context.inb(STATUS) & 0x08);
    }

    @Test
    void disableAndEnableTogglesCommandByteBits() {
        command(0xad, 0);
        command(0xa7, 0);
        assertEquals(0x33, command(0x20, 1)[0]);
        command(0xae, 0);
        assertEquals(0x23, command(0x20, 1)[0]);
        command(0xa8, 0);
        assertEquals(0x03, command(0x20, 1)[0]);
    }

    @Test
    void keyboardResetAcknowledgesAndPassesItsSelfTestOnIrq1() {
        assertArrayEquals(new int[] {0xfa, 0xaa}, keyboard(0xff, 2));
        assertEmpty();
        assertEquals(2, kbdIrq.risingEdges(), "one edge per byte");
        assertFalse(kbdIrq.level());
        assertEquals(0, auxIrq.risingEdges());
    }

    @Test
    void keyboardIdentifiesAsMf2() {
        assertArrayEquals(new int[] {0xfa, 0xab, 0x83}, keyboard(0xf2, 3));
        command(0x60, 0, 0x43);
        assertArrayEquals(new int[] {0xfa, 0xab, 0x41}, keyboard(0xf2, 3), "translated, as QEMU reports it");
    }

    @Test
    void keyboardCommandsAreAcknowledged() {
        assertArrayEquals(new int[] {0xfa}, keyboard(0xed, 1));
        assertArrayEquals(new int[] {0xfa}, keyboard(0x07, 1));
        assertArrayEquals(new int[] {0xfa}, keyboard(0xf3, 1));
        assertArrayEquals(new int[] {0xfa}, keyboard(0x20, 1));
        assertArrayEquals(new int[] {0xfa}, keyboard(0xf5, 1));
        assertArrayEquals(new int[] {0xfa}, keyboard(0xf4, 1));
        assertArrayEquals(new int[] {0xfa}, keyboard(0xe8, 1), "anything else is acknowledged");
        assertArrayEquals(new int[] {0xfa}, keyboard(0xf0, 1));
        assertArrayEquals(new int[] {0xfa, 0x02}, keyboard(0x00, 2), "scan code set 2");
        assertEmpty();
    }

    @Test
    void aParameterByteIsNotTakenAsACommand() {
        context.outb(DATA, 0xed);
        context.outb(DATA, 0xff);
        assertArrayEquals(new int[] {0xfa, 0xfa}, results(2), "0xff as LED bits, not a reset");
        assertEmpty();
    }

    @Test
    void keyboardDataWaitsWhileTheInterfaceIsDisabled() {
        context.outb(DATA, 0xff);
        command(0xad, 0);
        assertEquals(0xfa, context.inb(DATA), "already in the output buffer");
        assertEmpty();
        command(0xae, 0);
        assertArrayEquals(new int[] {0xaa}, results(1));
    }

    @Test
    void writingTheKeyboardReenablesItsInterface() {
        command(0xad, 0);
        assertArrayEquals(new int[] {0xfa}, keyboard(0xf4, 1));
        assertEquals(0x00, command(0x20, 1)[0] & 0x10);
    }

    @Test
    void noInterruptWhenTheCommandByteDisablesIt() {
        command(0x60, 0, 0x00);
        keyboard(0xff, 2);
        assertEquals(0, kbdIrq.risingEdges());
    }

    @Test
    void auxLoopbackComesBackAsMouseDataOnIrq12() {
        context.outb(STATUS, 0xd3);
        context.outb(DATA, 0x5a);
        assertEquals(OBF | AUX_DATA, context.inb(STATUS) & (OBF | AUX_DATA));
        assertTrue(auxIrq.level());
        assertEquals(0x5a, context.inb(DATA));
        assertFalse(auxIrq.level());
        assertEquals(0, kbdIrq.risingEdges());
    }

    @Test
    void mouseAnswersThroughD4() {
        assertArrayEquals(new int[] {0xfa, 0xaa, 0x00}, command(0xd4, 3, 0xff));
        assertArrayEquals(new int[] {0xfa, 0x00}, command(0xd4, 2, 0xf2));
        assertArrayEquals(new int[] {0xfa}, command(0xd4, 1, 0xf3));
        assertArrayEquals(new int[] {0xfa}, command(0xd4, 1, 0x64));
        assertArrayEquals(new int[] {0xfa, 0x00, 0x02, 0x64}, command(0xd4, 4, 0xe9));
        assertArrayEquals(new int[] {0xfe}, command(0xd4, 1, 0xe1), "vendor probes fail fast");
        assertTrue(auxIrq.risingEdges() > 0);
    }

    @Test
    void outputPortReadsBackAndClearingBit0Resets() {
        assertEquals(0xcf, command(0xd0, 1)[0]);
        command(0xd1, 0, 0xcd);
        assertEquals(0xcd, command(0xd0, 1)[0]);
        assertEquals(0, context.resetRequests());
        command(0xd1, 0, 0xde);
        assertEquals(1, context.resetRequests());
    }

    @Test
    void pulseResetCommandRequestsAReset() {
        context.outb(STATUS, 0xfe);
        assertEquals(1, context.resetRequests());
        context.outb(STATUS, 0xf0);
        assertEquals(2, context.resetRequests());
        context.outb(STATUS, 0xff);
        context.outb(STATUS, 0xf1);
        assertEquals(2, context.resetRequests(), "bit 0 set leaves the reset line alone");
    }

    @Test
    void linuxProbeSequenceCompletes() {
        while ((context.inb(STATUS) & OBF) != 0) {
            context.inb(DATA);
        }
        assertEquals(0x55, command(0xaa, 1)[0]);
        int ctr = command(0x20, 1)[0];
        assertEquals(ctr, command(0x20, 1)[0], "stable CTR");
        ctr = (ctr | 0x10) & ~0x01;
        command(0x60, 0, ctr);
        assertEquals(0x5a, command(0xd3, 1, 0x5a)[0]);
        command(0xa7, 0);
        assertEquals(0x20, command(0x20, 1)[0] & 0x20);
        command(0xa8, 0);
        assertEquals(0x00, command(0x20, 1)[0] & 0x20);
        command(0x60, 0, 0x47);
        assertArrayEquals(new int[] {0xfa, 0xab, 0x41}, keyboard(0xf2, 3));
        assertArrayEquals(new int[] {0xfa}, keyboard(0xf4, 1));
        assertEmpty();
        assertEquals(0, context.resetRequests());
    }

    @Test
    void oddWidthsNeverThrow() {
        assertEquals(0xffff, context.in(DATA, 2));
        assertEquals(0xffffffffL, context.in(STATUS, 4));
        context.out(STATUS, 2, 0xfe);
        assertEquals(0, context.resetRequests());
    }

    @Test
    void resetRestoresPowerOnState() {
        command(0x60, 0, 0x74);
        context.outb(DATA, 0xff);
        controller.reset();
        assertEmpty();
        assertEquals(0x03, command(0x20, 1)[0]);
        assertFalse(kbdIrq.level());
    }

    @Test
    void propertiesAreRejected() {
        DeviceException e = assertThrows(DeviceException.class,
                () -> new I8042Factory().create(new FakeDeviceContext(), Map.of("kbd-throttle", "on")));
        assertEquals("i8042: unknown property 'kbd-throttle'; this device takes no properties", e.getMessage());
    }

    @Test
    void idIsAccepted() throws Exception {
        Device device = new I8042Factory().create(new FakeDeviceContext("kbc", 0), Map.of("id", "kbc"));
        assertEquals("kbc", device.id());
    }
}
