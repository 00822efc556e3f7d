package io.modvm.devices.emulated.acpipm;

import io.modvm.api.device.BusHandler;
import io.modvm.api.device.IrqLine;
import io.modvm.api.device.PowerButton;
import io.modvm.api.device.StatefulDevice;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.devices.emulated.support.AccessWidth;
import io.modvm.devices.emulated.support.WarnOnce;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fixed ACPI hardware of a PC, at the addresses the core's FADT gives: the PM1a event block (PM1_STS and
 * PM1_EN), the PM1a control block (SCI_EN, SLP_TYP, SLP_EN), the 24-bit PM timer, the SCI on IRQ 9 and the
 * reset control register at 0xCF9 (the FADT's RESET_REG). There is no SMI_CMD, so the machine is always in
 * ACPI mode and SCI_EN always reads 1.
 *
 * <p>Every register is served byte by byte from an image of its block, so byte, word and dword accesses at any
 * offset work: ACPICA uses 16-bit accesses on the PM1 registers, other guests use bytes, and nothing a guest does
 * may throw. Bus accesses come from vCPU threads and {@link #pressPowerButton()} from the monitor, so all state is
 * guarded by one lock; the machine's power-off and reset requests are made after the lock is released, as the
 * i8042 does, because they stop vCPUs that may be waiting for this lock.
 *
 * <p>Its state ({@link AcpiPmState}) goes to a successor across a bundle update, a snapshot or a migration; the PM
 * timer travels as a tick count, so the successor's timer goes on from it.
 */
public final class AcpiPm implements StatefulDevice, PowerButton {
    public static final int PM1_EVT_BLK = 0x600;
    public static final int PM1_EVT_LEN = 4;
    public static final int PM1_CNT_BLK = 0x604;
    public static final int PM1_CNT_LEN = 2;
    public static final int PM_TMR_BLK = 0x608;
    public static final int PM_TMR_LEN = 4;
    public static final int RESET_REG = 0xcf9;
    public static final int RESET_REG_LEN = 1;
    public static final int RESET_VALUE = 0x06;
    public static final int SCI_IRQ = 9;
    /** The SLP_TYPa value of the DSDT's {@code \_S5} package; the two must agree. */
    public static final int SLP_TYP_S5 = 5;
    /** ACPI's PM timer frequency, 3.579545 MHz (the NTSC colour burst that the PC's timers inherit). */
    public static final long PM_TIMER_HZ = 3_579_545L;

    static final int TMR_STS = 1 << 0;
    static final int BM_STS = 1 << 4;
    static final int GBL_STS = 1 << 5;
    static final int PWRBTN_STS = 1 << 8;
    static final int SLPBTN_STS = 1 << 9;
    static final int RTC_STS = 1 << 10;
    static final int WAK_STS = 1 << 15;
    private static final int STATUS_BITS = TMR_STS | BM_STS | GBL_STS | PWRBTN_STS | SLPBTN_STS | RTC_STS | WAK_STS;

    static final int TMR_EN = 1 << 0;
    static final int GBL_EN = 1 << 5;
    static final int PWRBTN_EN = 1 << 8;
    static final int SLPBTN_EN = 1 << 9;
    static final int RTC_EN = 1 << 10;
    /** The status bits that have an enable bit, at the same position; only these raise the SCI. */
    private static final int EVENT_BITS = TMR_EN | GBL_EN | PWRBTN_EN | SLPBTN_EN | RTC_EN;

    static final int SCI_EN = 1 << 0;
    private static final int SLP_TYP_SHIFT = 10;
    private static final int SLP_TYP_MASK = 0x7;
    static final int SLP_EN = 1 << 13;

    /** RST_CPU: setting it resets the machine; the other bits (SYS_RST, the hard/soft choice) are kept. */
    static final int RST_CPU = 1 << 2;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long TIMER_MASK = (1L << 24) - 1;
    /** TMR_STS is set whenever bit 23 of the counter toggles, i.e. every 2^23 ticks. */
    private static final int TIMER_STATUS_SHIFT = 23;

    private static final Logger LOG = LoggerFactory.getLogger(AcpiPm.class);

    private final String id;
    private final IrqLine sci;
    private final Runnable powerOffRequest;
    private final Runnable resetRequest;
    private final LongSupplier nanoClock;
    /** The host time of tick 0; guarded by the lock (a restore moves it). */
    private long clockBase;
    private final Object lock = new Object();
    private final WarnOnce badAccess = new WarnOnce(LOG);
    private final WarnOnce unsupportedSleep = new WarnOnce(LOG);
    private final BusHandler eventBlock = new EventBlock();
    private final BusHandler controlBlock = new ControlBlock();
    private final BusHandler timer = new Timer();
    private final BusHandler resetControl = new ResetControl();

    private int status;
    private int enable;
    private int sleepType;
    private int resetRegister;
    /** The counter's bit-23 period (full tick count >> 23) when TMR_STS was last brought up to date. */
    private long timerPeriod;
    private boolean sciLevel;
    private boolean closed;

    /**
     * @param sci the SCI line (ISA IRQ 9, level-triggered)
     * @param powerOffRequest called, outside the lock, when the guest enters S5
     * @param resetRequest called, outside the lock, when the guest sets RST_CPU in the reset control register
     */
    public AcpiPm(String id, IrqLine sci, Runnable powerOffRequest, Runnable resetRequest) {
        this(id, sci, powerOffRequest, resetRequest, System::nanoTime);
    }

    /** @param nanoClock a monotonic clock in nanoseconds that drives the PM timer (tests pass their own) */
    AcpiPm(String id, IrqLine sci, Runnable powerOffRequest, Runnable resetRequest, LongSupplier nanoClock) {
        this.id = id;
        this.sci = sci;
        this.powerOffRequest = powerOffRequest;
        this.resetRequest = resetRequest;
        this.nanoClock = nanoClock;
        this.clockBase = nanoClock.getAsLong();
    }

    @Override
    public String id() {
        return id;
    }

    /** PM1a event block, {@value #PM1_EVT_LEN} bytes at {@code 0x600}: PM1_STS then PM1_EN. */
    public BusHandler eventBlock() {
        return eventBlock;
    }

    /** PM1a control block, {@value #PM1_CNT_LEN} bytes at {@code 0x604}. */
    public BusHandler controlBlock() {
        return controlBlock;
    }

    /** PM timer, {@value #PM_TMR_LEN} bytes at {@code 0x608}. */
    public BusHandler timer() {
        return timer;
    }

    /** Reset control register, one byte at {@code 0xcf9}. */
    public BusHandler resetControl() {
        return resetControl;
    }

    /**
     * Presses the fixed-feature power button: sets PWRBTN_STS, which raises the SCI if the guest enabled
     * PWRBTN_EN. An ACPI guest then shuts down in an orderly way and enters S5.
     */
    @Override
    public void press() {
        pressPowerButton();
    }

    public void pressPowerButton() {
        boolean heard;
        synchronized (lock) {
            status |= PWRBTN_STS;
            updateSci();
            heard = (enable & PWRBTN_EN) != 0;
        }
        if (heard) {
            LOG.info("{}: power button pressed", id);
        } else {
            // QEMU users expect system_powerdown to end the guest; say why it may not, instead of nothing.
            LOG.info("{}: power button pressed, but the guest has not enabled its event (no ACPI power button "
                    + "driver yet, or none at all); the press stays pending", id);
        }
    }

    @Override
    public void reset() {
        synchronized (lock) {
            status = 0;
            enable = 0;
            sleepType = 0;
            resetRegister = 0;
            // The timer runs on across a reset; only the overflow already seen is forgotten.
            timerPeriod = ticks() >>> TIMER_STATUS_SHIFT;
            updateSci();
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            updateSci();
        }
    }

    @Override
    public void quiesce() {
        // No threads and no host I/O: the guest, paused, is the only thing that changes this device.
    }

    @Override
    public StateRecord saveState() {
        synchronized (lock) {
            return new AcpiPmState(status, enable, sleepType, resetRegister, ticks(), timerPeriod).toRecord();
        }
    }

    @Override
    public void resume() {
    }

    /**
     * Takes over a predecessor's state: the registers, the SCI as they drive it, and the PM timer going on from
     * the saved count.
     */
    void restoreState(StateRecord record) throws StateException {
        AcpiPmState s = AcpiPmState.from(record);
        synchronized (lock) {
            status = s.status();
            enable = s.enable();
            sleepType = s.sleepType();
            resetRegister = s.resetRegister();
            clockBase = nanoClock.getAsLong() - nanosFor(s.timerTicks());
            timerPeriod = s.timerPeriod();
            updateSci();
        }
    }

    /** The fewest nanoseconds that {@link #ticks()} counts as {@code ticks}; split so that it cannot overflow. */
    private static long nanosFor(long ticks) {
        long seconds = ticks / PM_TIMER_HZ;
        long rest = ticks % PM_TIMER_HZ;
        return seconds * NANOS_PER_SECOND + (rest * NANOS_PER_SECOND + PM_TIMER_HZ - 1) / PM_TIMER_HZ;
    }

    /** The PM timer's full tick count since the device's epoch; split so that it cannot overflow. */
    private long ticks() {
        long elapsed = nanoClock.getAsLong() - clockBase;
        long seconds = elapsed / NANOS_PER_SECOND;
        long rest = elapsed % NANOS_PER_SECOND;
        return seconds * PM_TIMER_HZ + rest * PM_TIMER_HZ / NANOS_PER_SECOND;
    }

    /**
     * Brings TMR_STS up to date. A real chipset sets it the moment bit 23 toggles; with no thread to watch the
     * clock it is set when a guest looks, which is all a polling guest can tell apart. Linux leaves TMR_EN off.
     */
    private void refreshTimerStatus() {
        long period = ticks() >>> TIMER_STATUS_SHIFT;
        if (period != timerPeriod) {
            timerPeriod = period;
            status |= TMR_STS;
        }
    }

    private void updateSci() {
        boolean level = !closed && (status & enable & EVENT_BITS) != 0;
        if (level != sciLevel) {
            sciLevel = level;
            sci.set(level);
        }
    }

    /** What a write asks of the machine, to be done after the lock is released. */
    private enum Request {
        NONE, POWER_OFF, RESET, BUTTON_TAKEN
    }

    /**
     * One register block: its bytes are read from an image of the whole block taken once per access (so a timer
     * read is one sample), and written one byte at a time. Bytes of an access that run past the block float high
     * on reads and are dropped on writes.
     */
    private abstract class Block implements BusHandler {
        private final int length;

        Block(int length) {
            this.length = length;
        }

        /** The block's bytes, lowest at bit 0; called under the lock. */
        abstract long image();

        /** Called under the lock for each byte written. */
        abstract Request writeByte(int offset, int value);

        @Override
        public long read(long offset, int size) {
            if (offset < 0 || offset >= length || size < 1 || size > 8) {
                badAccess.warn("{}: ignoring a {}-byte read at offset {}", id, size, offset);
                return AccessWidth.allOnes(size);
            }
            long image;
            synchronized (lock) {
                image = image();
                updateSci();
            }
            long value = 0;
            for (int i = 0; i < size; i++) {
                int at = (int) offset + i;
                long b = at < length ? (image >>> (8 * at)) & 0xff : 0xff;
                value |= b << (8 * i);
            }
            return value;
        }

        @Override
        public void write(long offset, int size, long value) {
            if (offset < 0 || offset >= length || size < 1 || size > 8) {
                badAccess.warn("{}: ignoring a {}-byte write at offset {}", id, size, offset);
                return;
            }
            Request request = Request.NONE;
            synchronized (lock) {
                for (int i = 0; i < size && offset + i < length; i++) {
                    Request r = writeByte((int) offset + i, (int) (value >>> (8 * i)) & 0xff);
                    if (r != Request.NONE) {
                        request = r;
                    }
                }
                updateSci();
            }
            switch (request) {
                case POWER_OFF -> {
                    LOG.info("{}: guest entered S5, powering off", id);
                    powerOffRequest.run();
                }
                case RESET -> {
                    LOG.info("{}: guest reset the machine through the reset control register", id);
                    resetRequest.run();
                }
                case BUTTON_TAKEN -> LOG.info("{}: the guest took the power button press", id);
                default -> {
                }
            }
        }
    }

    /** PM1_STS (write 1 to clear) at offsets 0-1, PM1_EN at 2-3. */
    private final class EventBlock extends Block {
        EventBlock() {
            super(PM1_EVT_LEN);
        }

        @Override
        long image() {
            refreshTimerStatus();
            return (status & 0xffffL) | ((long) (enable & 0xffff) << 16);
        }

        @Override
        Request writeByte(int offset, int value) {
            if (offset < 2) {
                int cleared = status & (value << (8 * offset)) & STATUS_BITS;
                status &= ~cleared;
                // An OS acknowledges the fixed-feature button by clearing its status: the one sign that a
                // system_powerdown reached the guest's ACPI code, whatever the guest then does with it.
                if ((cleared & PWRBTN_STS) != 0) {
                    return Request.BUTTON_TAKEN;
                }
            } else {
                int shift = 8 * (offset - 2);
                enable = ((enable & ~(0xff << shift)) | (value << shift)) & EVENT_BITS;
            }
            return Request.NONE;
        }
    }

    /** PM1_CNT: SCI_EN reads 1, SLP_TYP is kept, SLP_EN acts and reads 0; BM_RLS and GBL_RLS have no BIOS to tell. */
    private final class ControlBlock extends Block {
        ControlBlock() {
            super(PM1_CNT_LEN);
        }

        @Override
        long image() {
            return SCI_EN | (sleepType << SLP_TYP_SHIFT);
        }

        @Override
        Request writeByte(int offset, int value) {
            if (offset == 0) {
                // SCI_EN is fixed at 1 and bits 1-2 only signal an SMI handler, which this machine lacks.
                return Request.NONE;
            }
            int control = value << 8;
            sleepType = (control >>> SLP_TYP_SHIFT) & SLP_TYP_MASK;
            if ((control & SLP_EN) == 0) {
                return Request.NONE;
            }
            if (sleepType == SLP_TYP_S5) {
                return Request.POWER_OFF;
            }
            unsupportedSleep.warn("{}: guest asked for sleep type {}; only S5 (type {}) is supported, ignoring", id,
                    sleepType, SLP_TYP_S5);
            return Request.NONE;
        }
    }

    /** The 24-bit PM timer; writes are ignored. */
    private final class Timer extends Block {
        Timer() {
            super(PM_TMR_LEN);
        }

        @Override
        long image() {
            return ticks() & TIMER_MASK;
        }

        @Override
        Request writeByte(int offset, int value) {
            return Request.NONE;
        }
    }

    /** Port 0xCF9 as on PIIX/ICH chipsets, where the FADT's RESET_REG points. */
    private final class ResetControl extends Block {
        ResetControl() {
            super(RESET_REG_LEN);
        }

        @Override
        long image() {
            return resetRegister;
        }

        @Override
        Request writeByte(int offset, int value) {
            // RST_CPU triggers the reset and is not kept: the machine is reset before anyone could read it back.
            resetRegister = value & ~RST_CPU;
            return (value & RST_CPU) != 0 ? Request.RESET : Request.NONE;
        }
    }
}
