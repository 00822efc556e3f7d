package io.modvm.devices.emulated.rtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceException;
import io.modvm.testkit.device.FakeDeviceContext;
import io.modvm.testkit.device.FakeIrqLine;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Mc146818RtcTest {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    private final MutableClock clock = new MutableClock("2024-03-09T13:45:56.100Z");
    private FakeDeviceContext context;
    private Device rtc;

    private void plug(long ramSize) throws DeviceException {
        context = new FakeDeviceContext("rtc", ramSize);
        rtc = new Mc146818RtcFactory().create(context, Map.of(), clock);
    }

    private int cmos(int index) {
        context.outb(0x70, index);
        return context.inb(0x71);
    }

    private void cmos(int index, int value) {
        context.outb(0x70, index);
        context.outb(0x71, value);
    }

    @Test
    void readsHostUtcTimeInBcdAnd24HourByDefault() throws Exception {
        plug(128 * MIB);
        assertEquals(0x56, cmos(0x00));
        assertEquals(0x45, cmos(0x02));
        assertEquals(0x13, cmos(0x04));
        assertEquals(7, cmos(0x06), "Saturday; Sunday is 1");
        assertEquals(0x09, cmos(0x07));
        assertEquals(0x03, cmos(0x08));
        assertEquals(0x24, cmos(0x09));
        assertEquals(0x20, cmos(0x32), "century");
        assertEquals(0x26, cmos(0x0a));
        assertEquals(0x02, cmos(0x0b));
        assertEquals(0x80, cmos(0x0d), "valid RAM and time");
    }

    @Test
    void binaryMode() throws Exception {
        plug(128 * MIB);
        cmos(0x0b, 0x06);
        assertEquals(56, cmos(0x00));
        assertEquals(45, cmos(0x02));
        assertEquals(13, cmos(0x04));
        assertEquals(24, cmos(0x09));
        assertEquals(20, cmos(0x32));
    }

    @Test
    void twelveHourModeSetsThePmBit() throws Exception {
        plug(128 * MIB);
        cmos(0x0b, 0x00);
        assertEquals(0x81, cmos(0x04), "1 PM in BCD");
        cmos(0x0b, 0x04);
        assertEquals(0x81, cmos(0x04), "1 PM in binary");
        clock.set("2024-03-09T00:30:00Z");
        assertEquals(12, cmos(0x04), "half past midnight is 12 AM");
        clock.set("2024-03-09T12:30:00Z");
        assertEquals(0x8c, cmos(0x04), "half past noon is 12 PM");
    }

    @Test
    void clockFollowsTheHost() throws Exception {
        plug(128 * MIB);
        clock.advance(Duration.ofSeconds(5));
        assertEquals(0x46, cmos(0x02));
        assertEquals(0x01, cmos(0x00));
    }

    @Test
    void setBitFreezesTheClockAndLetsTheGuestWriteTime() throws Exception {
        plug(128 * MIB);
        cmos(0x0b, 0x82);
        clock.advance(Duration.ofSeconds(10));
        assertEquals(0x56, cmos(0x00), "frozen while SET");
        assertEquals(0, cmos(0x0a) & 0x80, "no update in progress while SET");

        cmos(0x32, 0x19);
        cmos(0x09, 0x99);
        cmos(0x08, 0x12);
        cmos(0x07, 0x31);
        cmos(0x04, 0x23);
        cmos(0x02, 0x59);
        cmos(0x00, 0x58);
        cmos(0x0b, 0x02);

        clock.advance(Duration.ofSeconds(3));
        assertEquals(0x01, cmos(0x00));
        assertEquals(0x00, cmos(0x02));
        assertEquals(0x00, cmos(0x04));
        assertEquals(0x01, cmos(0x07));
        assertEquals(0x01, cmos(0x08));
        assertEquals(0x00, cmos(0x09));
        assertEquals(0x20, cmos(0x32));
        assertEquals(7, cmos(0x06), "1 January 2000 was a Saturday");
    }

    @Test
    void guestTimeIsAnOffsetThatSurvivesReset() throws Exception {
        plug(128 * MIB);
        cmos(0x0b, 0x82);
        cmos(0x09, 0x30);
        cmos(0x0b, 0x02);
        rtc.reset();
        clock.advance(Duration.ofDays(1));
        assertEquals(0x30, cmos(0x09));
        assertEquals(0x10, cmos(0x07));
    }

    @Test
    void writingOneFieldOfARunningClockMovesTheClock() throws Exception {
        plug(128 * MIB);
        cmos(0x02, 0x10);
        clock.advance(Duration.ofSeconds(60));
        assertEquals(0x11, cmos(0x02));
        assertEquals(0x13, cmos(0x04));
    }

    @Test
    void uipIsSetJustBeforeEachUpdate() throws Exception {
        plug(128 * MIB);
        clock.set("2024-03-09T13:45:56.9999Z");
        assertEquals(0x80, cmos(0x0a) & 0x80);
        clock.set("2024-03-09T13:45:57.0001Z");
        assertEquals(0x00, cmos(0x0a) & 0x80);
        cmos(0x0a, 0xa6);
        assertEquals(0x26, cmos(0x0a), "UIP is read-only");
    }

    @Test
    void registerCReportsUpdatesAndClearsOnRead() throws Exception {
        plug(128 * MIB);
        cmos(0x0a, 0x20);
        assertEquals(0x00, cmos(0x0c));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(0x10, cmos(0x0c), "update ended, interrupt not enabled: no IRQF");
        assertEquals(0x00, cmos(0x0c));
    }

    @Test
    void enabledFlagSetsIrqfAndTheLineUntilCIsRead() throws Exception {
        plug(128 * MIB);
        FakeIrqLine irq = context.line(8);
        cmos(0x0a, 0x20);
        clock.advance(Duration.ofSeconds(1));
        cmos(0x0b, 0x12);
        assertTrue(irq.level());
        assertEquals(0x90, cmos(0x0c));
        assertFalse(irq.level());
    }

    @Test
    void periodicAndAlarmFlags() throws Exception {
        plug(128 * MIB);
        cmos(0x01, 0x00);
        cmos(0x03, 0x46);
        cmos(0x05, 0xc0);
        cmos(0x0c);
        clock.advance(Duration.ofMillis(2));
        assertEquals(0x40, cmos(0x0c), "1024 Hz periodic flag");
        clock.advance(Duration.ofSeconds(5));
        assertEquals(0x70, cmos(0x0c) & 0x70, "alarm at hh:46:00 passed (any hour)");
        clock.advance(Duration.ofSeconds(5));
        assertEquals(0x50, cmos(0x0c) & 0x70, "no alarm this time");
    }

    @Test
    void memorySizeBytesFor128MiB() throws Exception {
        plug(128 * MIB);
        assertEquals(0x80, cmos(0x15));
        assertEquals(0x02, cmos(0x16));
        assertEquals(0xff, cmos(0x17), "127 MiB above 1 MiB is more than 0xffff KiB");
        assertEquals(0xff, cmos(0x18));
        assertEquals(0xff, cmos(0x30));
        assertEquals(0xff, cmos(0x31));
        assertEquals(0x00, cmos(0x34));
        assertEquals(0x07, cmos(0x35), "112 MiB above 16 MiB in 64 KiB units");
        assertEquals(0, cmos(0x5b));
        assertEquals(0, cmos(0x5c));
        assertEquals(0, cmos(0x5d));
    }

    @Test
    void memorySizeBytesFor5GiB() throws Exception {
        plug(5 * GIB);
        assertEquals(0x80, cmos(0x15));
        assertEquals(0x02, cmos(0x16));
        assertEquals(0xff, cmos(0x17));
        assertEquals(0xff, cmos(0x18));
        assertEquals(0x00, cmos(0x34));
        assertEquals(0xff, cmos(0x35), "4 GiB - 16 MiB in 64 KiB units is 0xff00");
        assertEquals(0x00, cmos(0x5b));
        assertEquals(0x40, cmos(0x5c), "1 GiB above 4 GiB is 0x4000 units of 64 KiB");
        assertEquals(0x00, cmos(0x5d));
    }

    @Test
    void memorySizeBytesForTinyRam() throws Exception {
        plug(512 * 1024);
        assertEquals(0x00, cmos(0x15));
        assertEquals(0x02, cmos(0x16));
        assertEquals(0x00, cmos(0x17));
        assertEquals(0x00, cmos(0x34));
    }

    @Test
    void cmosRamSurvivesReset() throws Exception {
        plug(128 * MIB);
        cmos(0x40, 0xab);
        cmos(0x7f, 0xcd);
        cmos(0x0b, 0x7e);
        rtc.reset();
        assertEquals(0xab, cmos(0x40));
        assertEquals(0xcd, cmos(0x7f));
        assertEquals(0x06, cmos(0x0b), "reset clears the interrupt enables and square wave only");
        assertEquals(0x07, cmos(0x35), "memory size still there");
    }

    @Test
    void nmiBitOfTheIndexIsIgnored() throws Exception {
        plug(128 * MIB);
        cmos(0x40, 0x5a);
        context.outb(0x70, 0xc0);
        assertEquals(0x5a, context.inb(0x71));
    }

    @Test
    void indexPortIsWriteOnlyAndOddWidthsNeverThrow() throws Exception {
        plug(128 * MIB);
        assertEquals(0xff, context.inb(0x70));
        assertEquals(0xffff, context.in(0x70, 2));
        assertEquals(0xffffffffL, context.in(0x71, 4));
        context.out(0x70, 4, 0x0b);
        context.out(0x70, 2, 0x0b0b);
    }

    @Test
    void propertyErrors() {
        assertError("mc146818rtc: iobase 'x70' is not a number; use e.g. iobase=0x70", Map.of("iobase", "x70"));
        assertError("mc146818rtc: irq '99' is out of range; use 0..15", Map.of("irq", "99"));
        assertError("mc146818rtc: unknown property 'base_year'; accepted: iobase, irq", Map.of("base_year", "2000"));
    }

    @Test
    void iobaseAndIrqMove() throws Exception {
        context = new FakeDeviceContext();
        new Mc146818RtcFactory().create(context, Map.of("iobase", "0x170", "irq", "9"), clock);
        assertTrue(context.portClaimed(0x171));
        assertTrue(context.lineTaken(9));
    }

    private void assertError(String message, Map<String, String> properties) {
        DeviceException e = assertThrows(DeviceException.class,
                () -> new Mc146818RtcFactory().create(new FakeDeviceContext(), properties, clock));
        assertEquals(message, e.getMessage());
    }
}
