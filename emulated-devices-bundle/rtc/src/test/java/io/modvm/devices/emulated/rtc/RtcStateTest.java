package io.modvm.devices.emulated.rtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.DeviceException;
import io.modvm.api.device.StatefulDevice;
import io.modvm.api.state.StateCodec;
import io.modvm.api.state.StateRecord;
import io.modvm.testkit.device.FakeDeviceContext;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CMOS clock handed to a new instance: its bytes, its pending interrupt, and a guest time that goes on. */
class RtcStateTest {
    private final MutableClock sourceHost = new MutableClock("2026-12-07T10:00:00.250Z");
    private final MutableClock targetHost = new MutableClock("2026-12-07T10:00:02.250Z");
    private final Mc146818RtcFactory factory = new Mc146818RtcFactory();

    private static int cmos(FakeDeviceContext c, int index) {
        c.outb(0x70, index);
        return c.inb(0x71);
    }

    private static void cmos(FakeDeviceContext c, int index, int value) {
        c.outb(0x70, index);
        c.outb(0x71, value);
    }

    @Test
    void theGuestsClockGoesOnFromItsOwnTimeAndThePendingInterruptStays() throws Exception {
        FakeDeviceContext source = new FakeDeviceContext("rtc", 256L << 20);
        StatefulDevice rtc = (StatefulDevice) factory.create(source, Map.of(), sourceHost);
        cmos(source, 0x0b, 0x82); // SET: the guest writes its own time, an hour from the host's
        cmos(source, 0x00, 0x06);
        cmos(source, 0x02, 0x05);
        cmos(source, 0x04, 0x04);
        cmos(source, 0x07, 0x03);
        cmos(source, 0x08, 0x02);
        cmos(source, 0x09, 0x01);
        cmos(source, 0x32, 0x20);
        cmos(source, 0x0b, 0x02);
        cmos(source, 0x01, 0xc0); // alarm: any second
        cmos(source, 0x40, 0xab); // a BIOS byte
        sourceHost.advance(Duration.ofMillis(1100));
        cmos(source, 0x0b, 0x12); // UIE: the update that passed is owed an interrupt
        assertTrue(source.line(8).level());
        source.outb(0x70, 0x09); // the guest's index stays selected

        rtc.quiesce();
        StateRecord state = StateCodec.decode(StateCodec.encode(rtc.saveState()));
        rtc.close();
        FakeDeviceContext target = new FakeDeviceContext("rtc", 256L << 20);
        factory.restore(target, Map.of(), state, targetHost);

        assertTrue(target.line(8).level(), "the owed update interrupt is still pending");
        assertEquals(0x01, target.inb(0x71), "the index register survived: the year");
        assertEquals(0xab, cmos(target, 0x40));
        assertEquals(0x12, cmos(target, 0x0b));
        assertEquals(0x08, cmos(target, 0x00), "04:05:06 + 1.1 s + the 0.9 s host time the hand-over took (QEMU's "
                + "clock=host), not the target host's 10:00:02");
        assertEquals(0x05, cmos(target, 0x02));
        assertEquals(0x04, cmos(target, 0x04));
        targetHost.advance(Duration.ofSeconds(2));
        assertEquals(0x10, cmos(target, 0x00), "and it keeps running with the host");
        assertEquals(0x90, cmos(target, 0x0c) & 0x90, "IRQF and UF, read once");
        assertTrue(!target.line(8).level());
    }

    @Test
    void aWrongTypeOrAShortCmosIsRefused() {
        DeviceException other = assertThrows(DeviceException.class, () -> factory.restore(
                new FakeDeviceContext(), Map.of(), StateRecord.builder("isa-serial", 1).build(), targetHost));
        assertEquals("mc146818rtc: cannot take over the saved state: state of type isa-serial given where "
                + "mc146818rtc is needed", other.getMessage());
        StateRecord shortCmos = new RtcState(new byte[64], 0, 0, 0).toRecord();
        DeviceException bad = assertThrows(DeviceException.class,
                () -> factory.restore(new FakeDeviceContext(), Map.of(), shortCmos, targetHost));
        assertEquals("mc146818rtc: cannot take over the saved state: mc146818rtc: 64 CMOS bytes, not 128",
                bad.getMessage());
    }
}
