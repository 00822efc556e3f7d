package io.modvm.core.acpi;

import io.modvm.api.device.BusHandler;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;

/**
 * The GPE0 register block of the FADT ({@link PcPlatform#GPE0_BLOCK_PORT}, {@value PcPlatform#GPE0_BLOCK_LENGTH}
 * bytes): GPE0_STS in the first half, GPE0_EN in the second (ACPI 6.4, section 4.8.4.1), so 16 general-purpose
 * events. A device sets a status bit with {@link #raise}; the guest clears it by writing 1 to it. The SCI is high
 * while any event is both pending and enabled; the guest's ACPI interpreter then runs {@code \_GPE._Exx} for the
 * event (ACPICA clears the status of an edge event before running its method, which lowers the line).
 *
 * <p>ACPICA reads and writes these registers a byte at a time; any width works ({@link ByteRegisters}). Raising
 * comes from the monitor or device manager and accesses from vCPU threads, so the state is guarded by the object's
 * lock; the SCI is set under it, so the line's level always follows the registers.
 */
public final class AcpiGpe {
    /** Events in the block: 8 per status byte. */
    public static final int EVENTS = PcPlatform.GPE0_BLOCK_LENGTH / 2 * 8;
    private static final int HALF = PcPlatform.GPE0_BLOCK_LENGTH / 2;
    private static final int MASK = (1 << EVENTS) - 1;

    private final LevelLine sci;
    private final BusHandler registers = new Registers();
    private int status;
    private int enable;
    private boolean level;

    /** @param sci the SCI (IRQ 9); share it with {@code acpi-pm} through a {@link SharedLevelLine} */
    public AcpiGpe(LevelLine sci) {
        this.sci = sci;
    }

    /** The handler for the {@value PcPlatform#GPE0_BLOCK_LENGTH} ports at {@link PcPlatform#GPE0_BLOCK_PORT}. */
    public BusHandler registers() {
        return registers;
    }

    /** Marks event {@code gpe} pending; raises the SCI if the guest enabled it. */
    public synchronized void raise(int gpe) {
        if (gpe < 0 || gpe >= EVENTS) {
            throw new IllegalArgumentException("GPE " + gpe + " is outside the block (0-" + (EVENTS - 1) + ")");
        }
        status |= 1 << gpe;
        update();
    }

    /** Power-on state: nothing pending or enabled, SCI low. The machine calls it when the guest resets. */
    public synchronized void reset() {
        status = 0;
        enable = 0;
        update();
    }

    /** The type of {@link #saveState()}'s record. */
    public static final String STATE_TYPE = "acpi-gpe";
    public static final int STATE_VERSION = 1;

    /** GPE0_STS and GPE0_EN as the guest left them, a {@value #STATE_TYPE} record. */
    public synchronized StateRecord saveState() {
        return StateRecord.builder(STATE_TYPE, STATE_VERSION).put("status", status).put("enable", enable).build();
    }

    /** Takes GPE0_STS and GPE0_EN from {@code r}, and drives the SCI as they say. */
    public void restoreState(StateRecord r) throws StateException {
        r.require(STATE_TYPE, 1, STATE_VERSION);
        long s = r.getLong("status");
        long e = r.getLong("enable");
        if ((s & ~MASK) != 0 || (e & ~MASK) != 0) {
            throw new StateException(STATE_TYPE + ": status 0x" + Long.toHexString(s) + ", enable 0x"
                    + Long.toHexString(e) + " outside the " + EVENTS + " events of the block");
        }
        synchronized (this) {
            status = (int) s;
            enable = (int) e;
            update();
        }
    }

    synchronized int status() {
        return status;
    }

    synchronized int enable() {
        return enable;
    }

    private void update() {
        boolean now = (status & enable) != 0;
        if (now != level) {
            level = now;
            sci.set(now);
        }
    }

    private final class Registers extends ByteRegisters {
        Registers() {
            super("GPE0 block", PcPlatform.GPE0_BLOCK_LENGTH, AcpiGpe.this);
        }

        @Override
        protected int readByte(int offset) {
            return offset < HALF ? status >>> (8 * offset) : enable >>> (8 * (offset - HALF));
        }

        @Override
        protected void writeByte(int offset, int value) {
            if (offset < HALF) {
                status &= ~(value << (8 * offset)) & MASK;
            } else {
                int shift = 8 * (offset - HALF);
                enable = (enable & ~(0xFF << shift) | value << shift) & MASK;
            }
            update();
        }
    }
}
