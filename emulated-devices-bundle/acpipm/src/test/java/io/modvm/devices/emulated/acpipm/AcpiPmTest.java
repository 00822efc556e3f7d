package io.modvm.devices.emulated.acpipm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.DeviceException;
import io.modvm.testkit.device.FakeDeviceContext;
import io.modvm.testkit.device.FakeIrqLine;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AcpiPmTest {
    private static final int PM1_STS = 0x600;
    private static final int PM1_EN = 0x602;
    private static final int PM1_CNT = 0x604;
    private static final int PM_TMR = 0x608;
    private static final int RESET = 0xcf9;

    private static final int PWRBTN = 1 << 8;
    private static final int SLP_EN = 1 << 13;

    private FakeDeviceContext context;
    private AcpiPm pm;
    private FakeIrqLine sci;

    @BeforeEach
    void plug() throws Exception {
        context = new FakeDeviceContext();
        pm = (AcpiPm) new AcpiPmFactory().create(context, Map.of());
        sci = context.line(9);
    }

    @Test
    void claimsTheFadtPortsAndIrq9() {
        for (int port = 0x600; port < 0x606; port++) {
            assertTrue(context.portClaimed(port), Integer.toHexString(port));
        }
        assertFalse(context.portClaimed(0x606), "a gap between the control block and the timer");
        assertFalse(context.portClaimed(0x607));
        for (int port = 0x608; port < 0x60c; port++) {
            assertTrue(context.portClaimed(port), Integer.toHexString(port));
        }
        assertFalse(context.portClaimed(0x60c));
        assertTrue(context.portClaimed(0xcf9));
        assertFalse(context.portClaimed(0xcf8), "the PCI configuration address register stays free");
        assertFalse(context.portClaimed(0xcfa));
        assertTrue(context.lineTaken(9));
        assertEquals("dev0", pm.id());
    }

    @Test
    void s5PowersOffThroughOneWordWrite() {
        context.out(PM1_CNT, 2, (5 << 10) | SLP_EN);
        assertEquals(1, context.powerOffRequests());
        assertEquals(0, context.resetRequests());
    }

    @Test
    void acpicaSequenceSetsSlpTypFirstThenSlpEn() {
        context.out(PM1_CNT, 2, 5 << 10 | 1);
        assertEquals(0, context.powerOffRequests(), "SLP_TYP alone does nothing");
        assertEquals(5 << 10 | 1, context.in(PM1_CNT, 2), "SLP_TYP reads back, SCI_EN is 1");
        context.out(PM1_CNT, 2, 5 << 10 | SLP_EN | 1);
        assertEquals(1, context.powerOffRequests());
        assertEquals(5 << 10 | 1, context.in(PM1_CNT, 2), "SLP_EN is write-only");
    }

    @Test
    void s5ThroughTheHighByteAlone() {
        context.out(PM1_CNT + 1, 1, ((5 << 10) | SLP_EN) >>> 8);
        assertEquals(1, context.powerOffRequests());
    }

    @Test
    void otherSleepTypesAreIgnored() {
        for (int type = 0; type < 8; type++) {
            if (type != 5) {
                context.out(PM1_CNT, 2, (type << 10) | SLP_EN);
            }
        }
        assertEquals(0, context.powerOffRequests());
        assertEquals(0, context.resetRequests());
    }

    @Test
    void sciEnAlwaysReadsOne() {
        assertEquals(1, context.in(PM1_CNT, 2));
        assertEquals(1, context.inb(PM1_CNT));
        context.out(PM1_CNT, 2, 0);
        assertEquals(1, context.in(PM1_CNT, 2), "no SMI handler to hand the machine back to");
    }

    @Test
    void statusIsWriteOneToClear() {
        pm.pressPowerButton();
        assertEquals(PWRBTN, context.in(PM1_STS, 2));
        context.out(PM1_STS, 2, 0);
        assertEquals(PWRBTN, context.in(PM1_STS, 2), "writing 0 keeps it");
        context.out(PM1_STS, 2, 0xffff & ~PWRBTN);
        assertEquals(PWRBTN, context.in(PM1_STS, 2), "writing 1 to other bits keeps it");
        context.out(PM1_STS, 2, PWRBTN);
        assertEquals(0, context.in(PM1_STS, 2));
    }

    @Test
    void enableKeepsOnlyDefinedBits() {
        context.out(PM1_EN, 2, 0xffff);
        assertEquals(0x0721, context.in(PM1_EN, 2), "TMR_EN, GBL_EN, PWRBTN_EN, SLPBTN_EN, RTC_EN");
    }

    @Test
    void sciFollowsStatusAndEnable() {
        pm.pressPowerButton();
        assertFalse(sci.level(), "PWRBTN_EN off");
        context.out(PM1_EN, 2, PWRBTN);
        assertTrue(sci.level(), "enabling with the status set raises the SCI");
        context.out(PM1_EN, 2, 0);
        assertFalse(sci.level());
        context.out(PM1_EN, 2, PWRBTN);
        assertTrue(sci.level());
        context.out(PM1_STS, 2, PWRBTN);
        assertFalse(sci.level(), "cleared by the guest's handler");
        pm.pressPowerButton();
        assertTrue(sci.level(), "a press with the enable on raises it at once");
        assertEquals(3, sci.risingEdges(), "one edge per time the condition became true");
    }

    @Test
    void statusBitsWithoutEnableNeverRaiseTheSci() throws Exception {
        AtomicLong clock = new AtomicLong();
        FakeDeviceContext timed = new FakeDeviceContext();
        AcpiPm device = timedDevice(timed, clock);
        timed.out(PM1_EN, 2, 0xffff & ~1);
        clock.set(3_000_000_000L);
        assertEquals(1, timed.in(PM1_STS, 2) & 1, "TMR_STS after bit 23 toggled");
        assertFalse(timed.line(9).level(), "TMR_EN is off");
        timed.out(PM1_EN, 2, 1);
        assertTrue(timed.line(9).level());
        device.close();
        assertFalse(timed.line(9).level(), "an unplugged device lets go of the line");
    }

    @Test
    void byteAccessesAtEveryOffset() {
        context.outb(PM1_EN + 1, PWRBTN >>> 8);
        context.outb(PM1_EN, 0x20);
        assertEquals(PWRBTN | 0x20, context.in(PM1_EN, 2), "PWRBTN_EN and GBL_EN, one byte each");
        assertEquals(0x20, context.inb(PM1_EN));
        assertEquals(PWRBTN >>> 8, context.inb(PM1_EN + 1));
        pm.pressPowerButton();
        assertEquals(PWRBTN >>> 8, context.inb(PM1_STS + 1));
        assertEquals(0, context.inb(PM1_STS));
        assertEquals((long) (PWRBTN | 0x20) << 16 | PWRBTN, context.in(PM1_STS, 4), "a dword read: STS and EN");
        assertEquals(0x2001, context.in(PM1_STS + 1, 2), "an unaligned word: STS high byte, EN low byte");
        context.outb(PM1_STS, 0xff);
        assertTrue(sci.level(), "clearing the low status byte leaves PWRBTN_STS");
        context.outb(PM1_STS + 1, PWRBTN >>> 8);
        assertFalse(sci.level());
        assertEquals(0, context.in(PM1_STS, 2));
        assertEquals(1, context.inb(PM1_CNT));
        assertEquals(0, context.inb(PM1_CNT + 1));
        assertEquals(0xff00, context.in(PM1_CNT + 1, 2), "bytes past the block float high");
    }

    @Test
    void dwordWriteSetsEnableAndClearsStatusTogether() {
        pm.pressPowerButton();
        context.out(PM1_STS, 4, (long) PWRBTN << 16 | PWRBTN);
        assertEquals(0, context.in(PM1_STS, 2));
        assertEquals(PWRBTN, context.in(PM1_EN, 2));
        assertFalse(sci.level());
    }

    @Test
    void pmTimerCountsAt3579545HzAndWrapsAt24Bits() throws Exception {
        AtomicLong clock = new AtomicLong(5_000_000_000L);
        FakeDeviceContext timed = new FakeDeviceContext();
        timedDevice(timed, clock);
        assertEquals(0, timed.in(PM_TMR, 4));
        clock.addAndGet(1_000_000_000L);
        assertEquals(3_579_545, timed.in(PM_TMR, 4), "one second");
        clock.addAndGet(1_000L);
        assertEquals(3_579_548, timed.in(PM_TMR, 4));
        assertEquals(3_579_548 & 0xff, timed.inb(PM_TMR), "a byte read gives the low bits");
        assertEquals(3_579_548 & 0xffff, timed.in(PM_TMR, 2));
        assertEquals(3_579_548 >>> 16, timed.inb(PM_TMR + 2));
        assertEquals(0, timed.inb(PM_TMR + 3), "24 bits only");

        // 2^24 ticks take 4.687 s; just before and just after the wrap.
        clock.set(5_000_000_000L + 4_686_000_000L);
        long before = timed.in(PM_TMR, 4);
        clock.set(5_000_000_000L + 4_688_000_000L);
        long after = timed.in(PM_TMR, 4);
        assertTrue(before > 0xff_0000L && before <= 0xff_ffffL, Long.toHexString(before));
        assertTrue(after < 0x1_0000L, Long.toHexString(after));

        timed.out(PM_TMR, 4, 0);
        assertEquals(after, timed.in(PM_TMR, 4), "writes are ignored");

        clock.set(5_000_000_000L + 3_600L * 1_000_000_000L * 24 * 365);
        long yearLater = timed.in(PM_TMR, 4);
        assertTrue(yearLater >= 0 && yearLater <= 0xff_ffffL, "no overflow after a year of uptime");
    }

    @Test
    void pmTimerAdvancesOnTheRealClock() throws Exception {
        long first = context.in(PM_TMR, 4);
        Thread.sleep(5);
        long second = context.in(PM_TMR, 4);
        long ticks = (second - first) & 0xff_ffffL; // the 24-bit counter wraps every 4.7 s, as a guest expects
        assertTrue(ticks >= 5 * 3_579, "at least 5 ms worth of ticks: " + first + " then " + second);
    }

    @Test
    void timerStatusIsSetEachTimeBit23Toggles() throws Exception {
        AtomicLong clock = new AtomicLong();
        FakeDeviceContext timed = new FakeDeviceContext();
        timedDevice(timed, clock);
        clock.set(2_000_000_000L);
        assertEquals(0, timed.in(PM1_STS, 2) & 1, "2^23 ticks take 2.34 s");
        clock.set(2_400_000_000L);
        assertEquals(1, timed.in(PM1_STS, 2) & 1);
        timed.out(PM1_STS, 2, 1);
        assertEquals(0, timed.in(PM1_STS, 2) & 1, "cleared, and no new toggle yet");
        clock.set(4_700_000_000L);
        assertEquals(1, timed.in(PM1_STS, 2) & 1, "bit 23 toggled back at the wrap");
    }

    @Test
    void resetRegisterResetsOnRstCpuOnly() {
        context.outb(RESET, 0x02);
        assertEquals(0, context.resetRequests(), "SYS_RST alone only chooses the kind of reset");
        assertEquals(0x02, context.inb(RESET));
        context.outb(RESET, 0x06);
        assertEquals(1, context.resetRequests());
        assertEquals(0x02, context.inb(RESET), "RST_CPU acts and is not kept");
        context.outb(RESET, 0x04);
        assertEquals(2, context.resetRequests());
        context.outb(RESET, 0x0a);
        assertEquals(0x0a, context.inb(RESET));
        assertEquals(2, context.resetRequests());
        assertEquals(0, context.powerOffRequests());
    }

    @Test
    void resetClearsStatusEnableAndSleepType() {
        context.out(PM1_EN, 2, PWRBTN);
        pm.pressPowerButton();
        context.out(PM1_CNT, 2, 3 << 10);
        context.outb(RESET, 0x02);
        assertTrue(sci.level());
        pm.reset();
        assertFalse(sci.level());
        assertEquals(0, context.in(PM1_STS, 2));
        assertEquals(0, context.in(PM1_EN, 2));
        assertEquals(1, context.in(PM1_CNT, 2));
        assertEquals(0, context.inb(RESET));
        pm.pressPowerButton();
        assertFalse(sci.level(), "the enable is off after a reset");
    }

    @Test
    void oddAccessesNeverThrow() {
        assertEquals(0xff, pm.eventBlock().read(4, 1));
        assertEquals(0xffff, pm.timer().read(-1, 2));
        pm.controlBlock().write(2, 2, 0xffff);
        pm.resetControl().write(0, 0, 0x06);
        pm.resetControl().write(0, 16, 0x06);
        assertEquals(0, context.resetRequests());
        assertEquals(0, context.powerOffRequests());
        assertEquals(0xffff_ff00L, context.in(RESET, 4), "bytes past 0xcf9 float high");
    }

    @Test
    void takesNoProperties() {
        DeviceException e = assertThrows(DeviceException.class,
                () -> new AcpiPmFactory().create(new FakeDeviceContext(), Map.of("iobase", "0x600")));
        assertEquals("acpi-pm: unknown property 'iobase'; this device takes no properties", e.getMessage());
    }

    @Test
    void acceptsAnId() throws Exception {
        new AcpiPmFactory().create(new FakeDeviceContext(), Map.of("id", "pm"));
    }

    private static AcpiPm timedDevice(FakeDeviceContext context, AtomicLong clock) throws DeviceException {
        AcpiPm device = new AcpiPm("pm", context.line(9), context::requestPowerOff, context::requestReset,
                clock::get);
        context.mapPio(AcpiPm.PM1_EVT_BLK, AcpiPm.PM1_EVT_LEN, device.eventBlock());
        context.mapPio(AcpiPm.PM1_CNT_BLK, AcpiPm.PM1_CNT_LEN, device.controlBlock());
        context.mapPio(AcpiPm.PM_TMR_BLK, AcpiPm.PM_TMR_LEN, device.timer());
        context.mapPio(AcpiPm.RESET_REG, AcpiPm.RESET_REG_LEN, device.resetControl());
        return device;
    }
}
