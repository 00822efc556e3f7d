package io.modvm.devices.emulated.acpipm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.DeviceException;
import io.modvm.api.state.StateCodec;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.testkit.device.FakeDeviceContext;
import io.modvm.testkit.device.FakeIrqLine;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The ACPI fixed hardware handed to a new instance on another host clock: registers, SCI and a continuing timer. */
class AcpiPmStateTest {
    private static final int PM1_STS = 0x00;
    private static final int PM1_EN = 0x02;
    private static final int PWRBTN = 1 << 8;

    private final AtomicLong sourceClock = new AtomicLong(7_000_000_000L);
    private final AtomicLong targetClock = new AtomicLong(123_456_789_000_000L);
    private final FakeIrqLine sourceSci = new FakeIrqLine(9);
    private final FakeIrqLine targetSci = new FakeIrqLine(9);

    private AcpiPm device(FakeIrqLine sci, AtomicLong clock) {
        return new AcpiPm("pm", sci, () -> { }, () -> { }, clock::get);
    }

    @Test
    void theSuccessorHasTheSameRegistersAndSciAndItsTimerGoesOnFromTheSavedCount() throws Exception {
        AcpiPm pm = device(sourceSci, sourceClock);
        sourceClock.addAndGet(5_123_456_789L); // past two TMR_STS periods
        pm.eventBlock().write(PM1_EN, 2, PWRBTN);
        pm.pressPowerButton();
        pm.controlBlock().write(1, 1, 3 << 2); // SLP_TYP 3, no SLP_EN
        pm.resetControl().write(0, 1, 0x02);
        assertTrue(sourceSci.level());
        long status = pm.eventBlock().read(0, 4);
        long control = pm.controlBlock().read(0, 2);
        long timer = pm.timer().read(0, 4);

        pm.quiesce();
        StateRecord state = StateCodec.decode(StateCodec.encode(pm.saveState()));
        pm.close();
        targetClock.addAndGet(1);
        AcpiPm next = device(targetSci, targetClock);
        next.restoreState(state);

        assertTrue(targetSci.level(), "the power button event is still pending");
        assertEquals(status, next.eventBlock().read(0, 4));
        assertEquals(control, next.controlBlock().read(0, 2));
        assertEquals(0x02, next.resetControl().read(0, 1));
        assertEquals(timer, next.timer().read(0, 4), "the timer continues from the saved count, not the host's");
        targetClock.addAndGet(1_000_000_000L);
        assertEquals((timer + AcpiPm.PM_TIMER_HZ) & 0xffffff, next.timer().read(0, 4), "and runs at 3.58 MHz");
        next.eventBlock().write(PM1_STS, 2, PWRBTN);
        assertTrue(!targetSci.level(), "the guest acknowledges the press on the new instance");
    }

    @Test
    void theFactoryRefusesAnotherTypeOrANewerVersion() {
        AcpiPmFactory factory = new AcpiPmFactory();
        DeviceException other = assertThrows(DeviceException.class, () -> factory.restore(new FakeDeviceContext(),
                Map.of(), StateRecord.builder("mc146818rtc", 1).build()));
        assertEquals("acpi-pm: cannot take over the saved state: state of type mc146818rtc given where acpi-pm is "
                + "needed", other.getMessage());
        DeviceException newer = assertThrows(DeviceException.class, () -> factory.restore(new FakeDeviceContext(),
                Map.of(), StateRecord.builder("acpi-pm", 2).build()));
        assertTrue(newer.getMessage().endsWith("acpi-pm state version 2 is not readable here (versions 1 to 1)"));
    }

    @Test
    void aTimerPeriodAheadOfTheCountIsRefused() {
        StateRecord bad = new AcpiPmState(0, 0, 0, 0, 10, 5).toRecord();
        assertThrows(StateException.class, () -> device(targetSci, targetClock).restoreState(bad));
    }
}
