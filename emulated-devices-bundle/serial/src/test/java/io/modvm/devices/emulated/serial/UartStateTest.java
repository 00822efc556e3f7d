package io.modvm.devices.emulated.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.DeviceException;
import io.modvm.api.device.StatefulDevice;
import io.modvm.api.state.StateCodec;
import io.modvm.api.state.StateRecord;
import io.modvm.testkit.device.FakeCharBackend;
import io.modvm.testkit.device.FakeDeviceContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A 16550A's state handed to a new instance: the guest reads the same registers, FIFO and interrupt. */
class UartStateTest {
    private static final int COM1 = 0x3f8;
    private static final int RBR = COM1;
    private static final int IER = COM1 + 1;
    private static final int IIR = COM1 + 2;
    private static final int LCR = COM1 + 3;
    private static final int MCR = COM1 + 4;
    private static final int LSR = COM1 + 5;
    private static final int MSR = COM1 + 6;
    private static final int SCR = COM1 + 7;
    private static final Map<String, String> PROPERTIES = Map.of("chardev", "c0");

    private final IsaSerialFactory factory = new IsaSerialFactory();
    private FakeDeviceContext before;
    private FakeCharBackend backend;
    private StatefulDevice uart;

    @BeforeEach
    void programmed() throws Exception {
        before = new FakeDeviceContext();
        uart = (StatefulDevice) factory.create(before, PROPERTIES);
        backend = before.charBackendNamed("c0");
        before.outb(LCR, 0x83); // DLAB, 8N1
        before.outb(RBR, 0x0c); // 9600 baud
        before.outb(IER, 0x00);
        before.outb(LCR, 0x03);
        before.outb(0x3fa, 0xc7); // FIFO on, trigger level 14
        before.outb(IER, 0x05); // RDI and RLSI
        before.outb(MCR, 0x0b); // DTR, RTS, OUT2
        before.outb(SCR, 0x5a);
        backend.type("ab");
        backend.sendBreak();
        backend.type("cd");
    }

    private List<Integer> registers(FakeDeviceContext c) {
        List<Integer> out = new ArrayList<>();
        for (int port : new int[] {IER, IIR, LCR, MCR, MSR, SCR}) {
            out.add(c.inb(port));
        }
        c.outb(LCR, 0x83);
        out.add(c.inb(RBR) | c.inb(IER) << 8);
        c.outb(LCR, 0x03);
        return out;
    }

    private FakeDeviceContext handedOver(StateRecord state) throws DeviceException {
        FakeDeviceContext after = new FakeDeviceContext();
        after.provide("c0", backend);
        factory.restore(after, PROPERTIES, state);
        return after;
    }

    @Test
    void theSuccessorReadsTheSameRegistersFifoAndPendingInterrupt() throws Exception {
        List<Integer> seen = registers(before);
        assertTrue(before.line(4).level(), "receive data below the trigger level: a timeout interrupt");
        uart.quiesce();
        backend.type("ef"); // typed while the state is taken: waits in the backend
        assertEquals(2, backend.pendingInput());
        StateRecord state = StateCodec.decode(StateCodec.encode(uart.saveState()));
        uart.close();

        FakeDeviceContext after = handedOver(state);
        assertTrue(after.line(4).level(), "the interrupt is still pending");
        assertEquals(seen, registers(after));
        StringBuilder read = new StringBuilder();
        List<Integer> status = new ArrayList<>();
        for (int lsr = after.inb(LSR); (lsr & 0x01) != 0; lsr = after.inb(LSR)) {
            status.add(lsr & 0x10);
            read.append((char) after.inb(RBR));
        }
        assertEquals("ab\0cdef", read.toString(), "the FIFO in order, then what waited in the backend");
        assertEquals(List.of(0, 0, 0x10, 0, 0, 0, 0), status, "the break character still carries BI");
        assertTrue(!after.line(4).level(), "all read: the line drops");
    }

    @Test
    void anAbandonedSaveResumesAndTakesTheWaitingInput() throws Exception {
        uart.quiesce();
        backend.type("x");
        uart.saveState();
        uart.resume();
        StringBuilder read = new StringBuilder();
        while ((before.inb(LSR) & 0x01) != 0) {
            read.append((char) before.inb(RBR));
        }
        assertEquals("ab\0cdx", read.toString());
    }

    @Test
    void anotherTypeOrANewerVersionIsRefusedByName() {
        DeviceException other = assertThrows(DeviceException.class,
                () -> handedOver(StateRecord.builder("i8042", 1).build()));
        assertEquals("isa-serial: cannot take over the saved state: state of type i8042 given where isa-serial is "
                + "needed", other.getMessage());
        DeviceException newer = assertThrows(DeviceException.class,
                () -> handedOver(StateRecord.builder("isa-serial", 2).build()));
        assertEquals("isa-serial: cannot take over the saved state: isa-serial state version 2 is not readable here "
                + "(versions 1 to 1)", newer.getMessage());
    }

    @Test
    void aFifoDeeperThanTheChipsIsRefused() {
        StateRecord deep = StateRecord.builder("isa-serial", 1).put("rxFifo", new byte[17])
                .put("rxFifoBreaks", new byte[17]).build();
        DeviceException e = assertThrows(DeviceException.class, () -> handedOver(deep));
        assertTrue(e.getMessage().contains("a receive FIFO of 17 characters"), e.getMessage());
    }
}
