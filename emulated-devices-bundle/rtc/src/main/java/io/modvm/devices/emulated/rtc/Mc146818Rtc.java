package io.modvm.devices.emulated.rtc;

import io.modvm.api.device.BusHandler;
import io.modvm.api.device.IrqLine;
import io.modvm.api.device.StatefulDevice;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.devices.emulated.support.AccessWidth;
import io.modvm.devices.emulated.support.WarnOnce;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Motorola MC146818 real-time clock with 128 bytes of CMOS, behind an index port and a data port. The clock
 * runs as the host's UTC clock plus an offset that changes whenever the guest sets the time, so nothing ticks
 * in the background: time registers are computed when read, and the update, alarm and periodic flags of
 * register C are worked out from the clock when the guest reads C. Those conditions are not delivered as
 * interrupts (no timer runs), which Linux does not need to boot; IRQF and the IRQ line stay consistent with
 * register C.
 *
 * <p>Its state ({@link RtcState}) goes to a successor across a bundle update, a snapshot or a migration, the clock
 * as an offset from the host's, so that the guest's time goes on.
 */
public final class Mc146818Rtc implements StatefulDevice, BusHandler {
    static final int PORT_COUNT = 2;

    private static final Logger LOG = LoggerFactory.getLogger(Mc146818Rtc.class);

    private static final int SECONDS = 0x00;
    private static final int SECONDS_ALARM = 0x01;
    private static final int MINUTES = 0x02;
    private static final int MINUTES_ALARM = 0x03;
    private static final int HOURS = 0x04;
    private static final int HOURS_ALARM = 0x05;
    private static final int DAY_OF_WEEK = 0x06;
    private static final int DAY_OF_MONTH = 0x07;
    private static final int MONTH = 0x08;
    private static final int YEAR = 0x09;
    private static final int REG_A = 0x0a;
    private static final int REG_B = 0x0b;
    private static final int REG_C = 0x0c;
    private static final int REG_D = 0x0d;
    /** Where QEMU and the ACPI FADT's century field put the century. */
    private static final int CENTURY = 0x32;

    private static final int A_UIP = 0x80;
    private static final int A_DIVIDER = 0x70;
    private static final int A_DIVIDER_NORMAL = 0x20;
    private static final int A_RATE = 0x0f;
    /** 32.768 kHz time base, rate 6: 1024 Hz periodic. */
    private static final int A_POWER_ON = A_DIVIDER_NORMAL | 0x06;

    private static final int B_SET = 0x80;
    private static final int B_PIE = 0x40;
    private static final int B_AIE = 0x20;
    private static final int B_UIE = 0x10;
    private static final int B_SQWE = 0x08;
    private static final int B_BINARY = 0x04;
    private static final int B_24H = 0x02;
    private static final int B_POWER_ON = B_24H;

    private static final int C_IRQF = 0x80;
    private static final int C_PF = 0x40;
    private static final int C_AF = 0x20;
    private static final int C_UF = 0x10;
    private static final int INTERRUPT_FLAGS = C_PF | C_AF | C_UF;

    private static final int D_VALID = 0x80;
    private static final int ALARM_ANY = 0xc0;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** UIP rises this long before each update: 8 cycles of the 32.768 kHz time base. */
    private static final long UIP_LEAD_NANOS = 8 * NANOS_PER_SECOND / 32768;
    private static final int SECONDS_PER_DAY = 86400;

    private final String id;
    private final IrqLine irq;
    private final Clock clock;
    private final Object lock = new Object();
    private final WarnOnce badAccess = new WarnOnce(LOG);
    private final int[] cmos = new int[128];

    private int index;
    /** Guest time minus host time, in nanoseconds. */
    private long offsetNanos;
    /** Host time when register C's flags were last brought up to date. */
    private long flagsCheckedNanos;
    private boolean irqAsserted;

    /**
     * @param clock the host clock the RTC follows (UTC)
     * @param ramSize bytes of guest RAM, reported in the CMOS memory-size bytes
     */
    public Mc146818Rtc(String id, IrqLine irq, Clock clock, long ramSize) {
        this.id = id;
        this.irq = irq;
        this.clock = clock;
        cmos[REG_A] = A_POWER_ON;
        cmos[REG_B] = B_POWER_ON;
        cmos[REG_D] = D_VALID;
        CmosMemorySize.fill(cmos, ramSize);
        flagsCheckedNanos = hostNanos();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public long read(long offset, int size) {
        if (size != 1 || offset != 1) {
            // The index port is write-only; it floats like any unsupported access.
            if (size != 1 || offset != 0) {
                badAccess.warn("{}: ignoring a {}-byte read at offset {}", id, size, offset);
            }
            return AccessWidth.allOnes(size);
        }
        synchronized (lock) {
            return readRegister(index);
        }
    }

    @Override
    public void write(long offset, int size, long value) {
        if (size != 1 || offset < 0 || offset > 1) {
            badAccess.warn("{}: ignoring a {}-byte write at offset {}", id, size, offset);
            return;
        }
        synchronized (lock) {
            int data = (int) value & 0xff;
            if (offset == 0) {
                // Bit 7 gates NMI on a PC; NMIs are not modelled.
                index = data & 0x7f;
            } else {
                writeRegister(index, data);
            }
        }
    }

    /**
     * The clock and the CMOS RAM are battery-backed and survive a reset; the reset pin only disables the
     * interrupt sources and clears their flags, as the datasheet specifies and QEMU does.
     */
    @Override
    public void reset() {
        synchronized (lock) {
            cmos[REG_B] &= ~(B_PIE | B_AIE | B_UIE | B_SQWE);
            cmos[REG_C] = 0;
            flagsCheckedNanos = hostNanos();
            irqAsserted = false;
            irq.set(false);
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (irqAsserted) {
                irqAsserted = false;
                irq.set(false);
            }
        }
    }

    @Override
    public void quiesce() {
        // No threads and no host I/O: the clock is computed from the host's when read.
    }

    @Override
    public StateRecord saveState() {
        synchronized (lock) {
            byte[] bytes = new byte[RtcState.CMOS_BYTES];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) cmos[i];
            }
            return new RtcState(bytes, index, offsetNanos, Math.max(0, hostNanos() - flagsCheckedNanos)).toRecord();
        }
    }

    @Override
    public void resume() {
    }

    /** Takes over a predecessor's state: the CMOS, the clock's offset from the host's, the flags owed, the line. */
    void restoreState(StateRecord record) throws StateException {
        RtcState s = RtcState.from(record);
        synchronized (lock) {
            for (int i = 0; i < cmos.length; i++) {
                cmos[i] = s.cmos()[i] & 0xff;
            }
            index = s.index();
            offsetNanos = s.guestMinusHostNanos();
            flagsCheckedNanos = hostNanos() - s.flagsAgeNanos();
            updateIrq();
        }
    }

    private int readRegister(int register) {
        switch (register) {
            case SECONDS, MINUTES, HOURS, DAY_OF_WEEK, DAY_OF_MONTH, MONTH, YEAR, CENTURY -> {
                if (running()) {
                    latchTime();
                }
                return cmos[register];
            }
            case REG_A -> {
                return cmos[REG_A] | (updateInProgress() ? A_UIP : 0);
            }
            case REG_C -> {
                refreshFlags();
                int flags = cmos[REG_C];
                cmos[REG_C] = 0;
                updateIrq();
                return flags;
            }
            case REG_D -> {
                return D_VALID;
            }
            default -> {
                return cmos[register];
            }
        }
    }

    private void writeRegister(int register, int value) {
        switch (register) {
            case SECONDS, MINUTES, HOURS, DAY_OF_WEEK, DAY_OF_MONTH, MONTH, YEAR, CENTURY -> {
                if (running()) {
                    // A running clock takes a single field as a new time, keeping its phase within the second.
                    latchTime();
                    cmos[register] = value;
                    long phase = Math.floorMod(guestNanos(), NANOS_PER_SECOND);
                    setTimeFromRegisters(phase);
                } else {
                    cmos[register] = value;
                }
            }
            case REG_A -> {
                boolean wasRunning = running();
                cmos[REG_A] = value & ~A_UIP;
                runningChanged(wasRunning);
            }
            case REG_B -> {
                boolean wasRunning = running();
                // Setting SET also clears UIE: no update-ended interrupts while the time is being written.
                cmos[REG_B] = (value & B_SET) != 0 ? value & ~B_UIE : value;
                runningChanged(wasRunning);
                refreshFlags();
                updateIrq();
            }
            case REG_C, REG_D -> {
                // Read-only.
            }
            default -> cmos[register] = value;
        }
    }

    /** The clock stops while SET is on or the divider chain is held in reset. */
    private boolean running() {
        return (cmos[REG_B] & B_SET) == 0 && (cmos[REG_A] & A_DIVIDER) <= A_DIVIDER_NORMAL;
    }

    private void runningChanged(boolean wasRunning) {
        boolean nowRunning = running();
        if (wasRunning && !nowRunning) {
            latchTime();
        } else if (!wasRunning && nowRunning) {
            // The divider chain restarts, so the written second begins now.
            setTimeFromRegisters(0);
        }
    }

    private RtcFormat format() {
        int b = cmos[REG_B];
        return new RtcFormat((b & B_BINARY) != 0, (b & B_24H) != 0);
    }

    private long hostNanos() {
        Instant now = clock.instant();
        return now.getEpochSecond() * NANOS_PER_SECOND + now.getNano();
    }

    private long guestNanos() {
        return hostNanos() + offsetNanos;
    }

    private boolean updateInProgress() {
        return running() && Math.floorMod(guestNanos(), NANOS_PER_SECOND) >= NANOS_PER_SECOND - UIP_LEAD_NANOS;
    }

    /** Copies the running clock into the time registers, in the format register B selects. */
    private void latchTime() {
        long seconds = Math.floorDiv(guestNanos(), NANOS_PER_SECOND);
        LocalDateTime time = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
        RtcFormat format = format();
        cmos[SECONDS] = format.encode(time.getSecond());
        cmos[MINUTES] = format.encode(time.getMinute());
        cmos[HOURS] = format.encodeHour(time.getHour());
        // The RTC counts Sunday as day 1.
        cmos[DAY_OF_WEEK] = format.encode(time.getDayOfWeek().getValue() % 7 + 1);
        cmos[DAY_OF_MONTH] = format.encode(time.getDayOfMonth());
        cmos[MONTH] = format.encode(time.getMonthValue());
        int year = Math.floorMod(time.getYear(), 10000);
        cmos[YEAR] = format.encode(year % 100);
        cmos[CENTURY] = format.encode(year / 100);
    }

    /** Makes the clock show the time in the registers, {@code phaseNanos} into that second. */
    private void setTimeFromRegisters(long phaseNanos) {
        RtcFormat format = format();
        int year = clamp(format.decode(cmos[CENTURY]) * 100 + format.decode(cmos[YEAR]), 0, 9999);
        int month = clamp(format.decode(cmos[MONTH]), 1, 12);
        int day = clamp(format.decode(cmos[DAY_OF_MONTH]), 1, 31);
        LocalDateTime time = LocalDate.of(year, month, 1).plusDays(day - 1L).atTime(
                clamp(format.decodeHour(cmos[HOURS]), 0, 23),
                clamp(format.decode(cmos[MINUTES]), 0, 59),
                clamp(format.decode(cmos[SECONDS]), 0, 59));
        long host = hostNanos();
        offsetNanos = time.toEpochSecond(ZoneOffset.UTC) * NANOS_PER_SECOND + phaseNanos - host;
        flagsCheckedNanos = host;
        LOG.debug("{}: guest set the clock to {}", id, time);
    }

    private static int clamp(int value, int min, int max) {
        return Math.max(min, Math.min(max, value));
    }

    /** Sets the flags for what happened since they were last brought up to date. */
    private void refreshFlags() {
        long host = hostNanos();
        if (running()) {
            long lastSecond = Math.floorDiv(flagsCheckedNanos + offsetNanos, NANOS_PER_SECOND);
            long nowSecond = Math.floorDiv(host + offsetNanos, NANOS_PER_SECOND);
            if (nowSecond > lastSecond) {
                cmos[REG_C] |= C_UF;
                if (alarmPassed(lastSecond, nowSecond)) {
                    cmos[REG_C] |= C_AF;
                }
            }
        }
        int rate = cmos[REG_A] & A_RATE;
        if (rate != 0 && (cmos[REG_A] & A_DIVIDER) == A_DIVIDER_NORMAL) {
            long period = periodNanos(rate);
            if (Math.floorDiv(host, period) > Math.floorDiv(flagsCheckedNanos, period)) {
                cmos[REG_C] |= C_PF;
            }
        }
        flagsCheckedNanos = host;
        if ((cmos[REG_C] & cmos[REG_B] & INTERRUPT_FLAGS) != 0) {
            cmos[REG_C] |= C_IRQF;
        }
    }

    /** Rates 1 and 2 alias 8 and 9 with a 32.768 kHz time base; rate r otherwise ticks at 65536 >> r Hz. */
    private static long periodNanos(int rate) {
        int effective = rate <= 2 ? rate + 7 : rate;
        return (1L << effective) * NANOS_PER_SECOND / 65536;
    }

    /** Whether any second in {@code (after, upTo]} matched the alarm; a day covers every alarm pattern. */
    private boolean alarmPassed(long after, long upTo) {
        RtcFormat format = format();
        long last = Math.min(upTo, after + SECONDS_PER_DAY);
        for (long second = after + 1; second <= last; second++) {
            int ofDay = (int) Math.floorMod(second, SECONDS_PER_DAY);
            if (alarmMatches(cmos[SECONDS_ALARM], format.decode(cmos[SECONDS_ALARM]), ofDay % 60)
                    && alarmMatches(cmos[MINUTES_ALARM], format.decode(cmos[MINUTES_ALARM]), ofDay / 60 % 60)
                    && alarmMatches(cmos[HOURS_ALARM], format.decodeHour(cmos[HOURS_ALARM]), ofDay / 3600)) {
                return true;
            }
        }
        return false;
    }

    private static boolean alarmMatches(int register, int decoded, int actual) {
        return (register & ALARM_ANY) == ALARM_ANY || decoded == actual;
    }

    private void updateIrq() {
        boolean level = (cmos[REG_C] & C_IRQF) != 0;
        if (level != irqAsserted) {
            irqAsserted = level;
            irq.set(level);
        }
    }
}
