package io.modvm.devices.emulated.ide;

import io.modvm.api.device.BusHandler;
import io.modvm.api.memory.GuestMemory;
import io.modvm.api.pci.PciBar;
import io.modvm.api.pci.PciConfigRegisters;
import io.modvm.api.pci.PciFunction;
import io.modvm.api.pci.PciFunctionSpec;
import java.util.List;
import java.util.function.Supplier;

/**
 * The PIIX3 IDE function, 8086:7010, as QEMU's pc has it at 00:01.1: class 01/01 with programming interface 0x80
 * (both channels in legacy mode at their fixed ports and ISA interrupts 14 and 15, bus mastering supported), no
 * BARs 0-3 and no interrupt pin, BAR 4 the 16-port bus master block (the primary channel's registers at 0, the
 * secondary's at 8). Configuration space holds the timing registers IDETIM (0x40, 0x42), SIDETIM (0x44) and
 * UDMACTL/UDMATIM (0x48-0x4B), stored as written; the channels' decode-enable bits (bit 15 of each IDETIM) are set
 * from power-on, as firmware would set them, since Linux's ata_piix ignores a channel without its bit.
 */
final class PiixIde implements PciConfigRegisters {
    static final int VENDOR_ID = 0x8086;
    static final int DEVICE_ID = 0x7010;
    static final int CLASS_IDE_LEGACY_BUS_MASTER = 0x010180;
    static final int SUBSYSTEM_VENDOR_ID = 0x1AF4;
    static final int SUBSYSTEM_ID = 0x1100;
    static final int BUS_MASTER_BAR = 4;
    static final int BUS_MASTER_PORTS = 16;
    /** Command block, control register and ISA interrupt of each channel. */
    static final int[] COMMAND_PORTS = {0x1F0, 0x170};
    static final int[] CONTROL_PORTS = {0x3F6, 0x376};
    static final int[] IRQS = {14, 15};
    private static final int TIMING_START = 0x40;
    private static final int TIMING_END = 0x4C;
    private static final int DECODE_ENABLE = 0x80;

    private final IdeChannel[] channels = new IdeChannel[2];
    private final byte[] timing = new byte[TIMING_END - TIMING_START];
    private volatile PciFunction function;

    /** @param memory guest RAM of the current run, which DMA reads and writes */
    PiixIde(Supplier<GuestMemory> memory, Complaints complaints) {
        for (int i = 0; i < 2; i++) {
            channels[i] = new IdeChannel(i, memory, this::busMaster, complaints);
        }
        resetTiming();
    }

    IdeChannel channel(int index) {
        return channels[index];
    }

    void attach(PciFunction f) {
        this.function = f;
    }

    private boolean busMaster() {
        PciFunction f = function;
        return f != null && f.busMaster();
    }

    /** The PCI function: IDs, class, BAR 4 served by {@link #busMasterBlock}, these configuration registers. */
    PciFunctionSpec spec() {
        return new PciFunctionSpec(VENDOR_ID, DEVICE_ID, 0, CLASS_IDE_LEGACY_BUS_MASTER, SUBSYSTEM_VENDOR_ID,
                SUBSYSTEM_ID, List.of(PciBar.ioPorts(BUS_MASTER_BAR, BUS_MASTER_PORTS, busMasterBlock)), List.of(), 0,
                0, 0, null, PciFunctionSpec.NO_INTERRUPT_PIN, this);
    }

    final BusHandler busMasterBlock = new BusHandler() {
        @Override
        public long read(long offset, int size) {
            int at = (int) offset & 15;
            return channels[at >> 3].readBusMaster(at & 7, size);
        }

        @Override
        public void write(long offset, int size, long value) {
            int at = (int) offset & 15;
            channels[at >> 3].writeBusMaster(at & 7, size, value);
        }
    };

    // ---- configuration registers ----

    @Override
    public synchronized int read(int offset) {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int at = offset + i - TIMING_START;
            if (at >= 0 && at < timing.length) {
                v |= (timing[at] & 0xFF) << (8 * i);
            }
        }
        return v;
    }

    @Override
    public synchronized void write(int offset, int size, int value) {
        for (int i = 0; i < size; i++) {
            int at = offset + i - TIMING_START;
            if (at >= 0 && at < timing.length) {
                timing[at] = (byte) (value >>> (8 * i));
            }
        }
    }

    private synchronized void resetTiming() {
        java.util.Arrays.fill(timing, (byte) 0);
        timing[0x41 - TIMING_START] = (byte) DECODE_ENABLE;
        timing[0x43 - TIMING_START] = (byte) DECODE_ENABLE;
    }

    synchronized byte[] timing() {
        return timing.clone();
    }

    synchronized void restoreTiming(byte[] saved) {
        System.arraycopy(saved, 0, timing, 0, Math.min(saved.length, timing.length));
    }

    /** Power-on: the channels and their drives, and the timing registers. */
    void reset() {
        resetTiming();
        for (IdeChannel c : channels) {
            c.reset();
        }
    }
}
