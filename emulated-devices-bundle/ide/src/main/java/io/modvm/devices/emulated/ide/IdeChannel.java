package io.modvm.devices.emulated.ide;

import static io.modvm.devices.emulated.ide.Ata.*;

import io.modvm.api.device.BusHandler;
import io.modvm.api.device.IrqLine;
import io.modvm.api.memory.GuestMemory;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * One IDE channel of the PIIX: the command block (eight ports, {@code 0x1F0} or {@code 0x170}), the control
 * register ({@code 0x3F6} or {@code 0x376}: device control on write, alternate status on read), up to two drives,
 * the ISA interrupt (14 or 15), and its half of the bus master block (command, status, PRD table address).
 *
 * <p>Registers 1 to 6 are written to both drives, as on the cable; the selected drive (DEV bit) answers reads and
 * takes commands. A channel with no drive reads zero; an absent slave reads zero for status and error, as QEMU's do,
 * so that drivers find nothing there; an absent master beside a present slave reads the same way. Reading the status register acknowledges the interrupt; the line is held low
 * while the guest sets nIEN.
 *
 * <p>Every access takes the channel's lock; a DMA runs on the vCPU thread that started it (the guest wrote the
 * command or the bus master's start bit), reading and writing the image directly. Nothing thrown gets out.
 */
final class IdeChannel implements IdeDrive.Channel {
    // bus master command and status bits
    static final int BM_START = 0x01;
    static final int BM_TO_MEMORY = 0x08;
    static final int BM_ACTIVE = 0x01;
    static final int BM_ERROR = 0x02;
    static final int BM_INTERRUPT = 0x04;
    static final int BM_DRIVE0_DMA = 0x20;
    static final int BM_DRIVE1_DMA = 0x40;

    private final int index;
    private final IdeDrive[] drives = new IdeDrive[2];
    private final Supplier<GuestMemory> memory;
    private final BooleanSupplier busMaster;
    private final Complaints complaints;
    private IrqLine irq;
    int unit;
    int control;
    boolean pending;
    int bmCommand;
    int bmStatus;
    int bmPrd;

    /**
     * @param memory guest RAM of the current run
     * @param busMaster whether the PCI function may master the bus now
     */
    IdeChannel(int index, Supplier<GuestMemory> memory, BooleanSupplier busMaster, Complaints complaints) {
        this.index = index;
        this.memory = memory;
        this.busMaster = busMaster;
        this.complaints = complaints;
    }

    int index() {
        return index;
    }

    synchronized void connect(IrqLine line) {
        this.irq = line;
    }

    synchronized IdeDrive drive(int u) {
        return drives[u];
    }

    synchronized boolean hasFree(int u) {
        return drives[u] == null;
    }

    synchronized void plug(int u, IdeDrive d) {
        drives[u] = d;
        d.attach(this);
    }

    synchronized void unplug(int u) {
        drives[u] = null;
    }

    // ---- the command block ----

    final BusHandler commandBlock = new BusHandler() {
        @Override
        public long read(long offset, int size) {
            return readCommandBlock((int) offset, size);
        }

        @Override
        public void write(long offset, int size, long value) {
            writeCommandBlock((int) offset, size, value);
        }
    };

    final BusHandler controlBlock = new BusHandler() {
        @Override
        public long read(long offset, int size) {
            return alternateStatus();
        }

        @Override
        public void write(long offset, int size, long value) {
            writeControl((int) value & 0xFF);
        }
    };

    synchronized long readCommandBlock(int reg, int size) {
        IdeDrive d = drives[unit];
        boolean none = drives[0] == null && drives[1] == null;
        if (reg == 0) {
            return d == null ? 0xFFFF_FFFFL >>> (32 - 8 * Math.min(size, 4)) : d.readData(size);
        }
        if (none) {
            return 0;
        }
        if (d == null) {
            // An absent unit: status and error read 0, the rest what both units were written (QEMU's rule).
            IdeDrive other = drives[unit ^ 1];
            return reg == 1 || reg == 7 ? 0 : other.readTaskFile(reg, (control & HOB) != 0);
        }
        int value = d.readTaskFile(reg, (control & HOB) != 0);
        if (reg == 7) {
            setPending(false);
        }
        return value;
    }

    synchronized void writeCommandBlock(int reg, int size, long value) {
        if (reg == 0) {
            IdeDrive d = drives[unit];
            if (d != null) {
                d.writeData(size, value);
            }
            return;
        }
        int v = (int) value & 0xFF;
        if (reg >= 1 && reg <= 6) {
            control &= ~HOB;
            for (IdeDrive d : drives) {
                if (d != null) {
                    d.writeTaskFile(reg, v);
                }
            }
            if (reg == 6) {
                unit = (v & DEV) != 0 ? 1 : 0;
            }
            return;
        }
        IdeDrive d = drives[unit];
        if (d != null && (control & SRST) == 0) {
            setPending(false);
            d.command(v);
        }
    }

    synchronized int alternateStatus() {
        IdeDrive d = drives[unit];
        return d == null ? 0 : d.status;
    }

    /** Device control: nIEN masks the interrupt, SRST resets both drives when it falls, HOB selects HOB reads. */
    synchronized void writeControl(int value) {
        boolean wasReset = (control & SRST) != 0;
        control = value;
        if ((value & SRST) != 0 && !wasReset) {
            for (IdeDrive d : drives) {
                if (d != null) {
                    d.holdInReset();
                }
            }
        } else if ((value & SRST) == 0 && wasReset) {
            for (IdeDrive d : drives) {
                if (d != null) {
                    d.reset();
                }
            }
            unit = 0;
        }
        drive();
    }

    // ---- interrupts ----

    @Override
    public void interrupt() {
        bmStatus |= BM_INTERRUPT;
        setPending(true);
    }

    private void setPending(boolean level) {
        pending = level;
        drive();
    }

    private void drive() {
        if (irq != null) {
            irq.set(pending && (control & NIEN) == 0);
        }
    }

    // ---- the bus master ----

    synchronized long readBusMaster(int offset, int size) {
        long dword = bmCommand | (long) bmStatus << 16;
        if (offset >= 4) {
            dword = bmPrd & 0xFFFF_FFFFL;
            offset -= 4;
        }
        long v = dword >>> (8 * offset);
        return size >= 4 ? v & 0xFFFF_FFFFL : v & ((1L << (8 * size)) - 1);
    }

    synchronized void writeBusMaster(int offset, int size, long value) {
        for (int i = 0; i < size && offset + i < 8; i++) {
            writeBusMasterByte(offset + i, (int) (value >>> (8 * i)) & 0xFF);
        }
    }

    private void writeBusMasterByte(int offset, int value) {
        switch (offset) {
            case 0 -> {
                boolean starting = (value & BM_START) != 0 && (bmCommand & BM_START) == 0;
                bmCommand = value & (BM_START | BM_TO_MEMORY);
                if ((value & BM_START) == 0) {
                    bmStatus &= ~BM_ACTIVE;
                } else if (starting) {
                    bmStatus |= BM_ACTIVE;
                    dmaReady();
                }
            }
            case 2 -> bmStatus = bmStatus & ~(BM_DRIVE0_DMA | BM_DRIVE1_DMA) & ~(value & (BM_ERROR | BM_INTERRUPT))
                    | value & (BM_DRIVE0_DMA | BM_DRIVE1_DMA);
            case 4, 5, 6, 7 -> {
                int shift = 8 * (offset - 4);
                bmPrd = bmPrd & ~(0xFF << shift) | value << shift;
                bmPrd &= ~3;
            }
            default -> {
            }
        }
    }

    /** Runs the selected drive's DMA command if the engine is started and the directions agree. */
    @Override
    public void dmaReady() {
        IdeDrive d = drives[unit];
        if (d == null || !d.dmaPending() || (bmStatus & BM_ACTIVE) == 0) {
            return;
        }
        boolean toMemory = d.phase == Phase.DMA_IN;
        if (toMemory != ((bmCommand & BM_TO_MEMORY) != 0)) {
            complaints.report("DMA direction", "the bus master runs the other way than the command moves data");
            fail(d);
            return;
        }
        if (!busMaster.getAsBoolean()) {
            complaints.report("DMA without bus mastering", "the PCI command register does not allow it");
            fail(d);
            return;
        }
        GuestMemory m;
        try {
            m = memory.get();
        } catch (RuntimeException noRamYet) {
            m = null;
        }
        if (m == null) {
            complaints.report("DMA without RAM", "the machine has no guest RAM now");
            fail(d);
            return;
        }
        boolean ok = d.runDma(new PrdTable(m, bmPrd & 0xFFFF_FFFCL));
        bmStatus &= ~BM_ACTIVE;
        if (!ok) {
            bmStatus |= BM_ERROR;
        }
    }

    private void fail(IdeDrive d) {
        bmStatus = bmStatus & ~BM_ACTIVE | BM_ERROR;
        d.abort();
    }

    /** Takes over saved registers and drives the interrupt line to match. */
    synchronized void restore(int savedUnit, int savedControl, boolean savedPending, int savedCommand,
            int savedStatus, int savedPrd) {
        unit = savedUnit;
        control = savedControl;
        bmCommand = savedCommand;
        bmStatus = savedStatus;
        bmPrd = savedPrd;
        setPending(savedPending);
    }

    /** Power-on state of the channel; the drives reset themselves. */
    synchronized void reset() {
        unit = 0;
        control = 0;
        bmCommand = 0;
        bmStatus = 0;
        bmPrd = 0;
        for (IdeDrive d : drives) {
            if (d != null) {
                d.reset();
            }
        }
        setPending(false);
    }
}
