package io.modvm.core.machine;

import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.accel.RamRegion;
import io.modvm.api.accel.VirtualMachine;
import io.modvm.api.memory.GuestMemory;
import io.modvm.core.acpi.PcPlatform;
import io.modvm.core.memory.MemoryLayout;
import io.modvm.core.memory.RamGuestMemory;

/**
 * Guest RAM: where it sits ({@link MemoryLayout}), the memory of the current run (allocated and mapped into each
 * new VM, since a reset builds a fresh one), and what device MMIO may not shadow.
 */
final class GuestRam {
    /** The in-kernel IOAPIC and local APIC windows; no device may claim them. */
    private static final long[][] CHIPSET_MMIO = {{PcPlatform.IOAPIC_ADDRESS, 0x1000},
        {PcPlatform.LAPIC_ADDRESS, 0x10_0000}};

    private final MemoryLayout layout;
    private volatile RamGuestMemory memory;
    private volatile RamRegion region;
    private volatile RamLease lease;

    GuestRam(long bytes) {
        this.layout = new MemoryLayout(bytes);
    }

    MemoryLayout layout() {
        return layout;
    }

    /** Allocates RAM for {@code vm}, maps it at the layout's addresses and makes it the current memory. */
    GuestMemory map(VirtualMachine vm) throws AcceleratorException {
        RamRegion ram = vm.allocateRam("ram", layout.ramSize());
        RamGuestMemory.Builder builder = new RamGuestMemory.Builder();
        vm.mapRam(0, 0, ram, 0, layout.lowRamSize(), false);
        builder.add(0, ram, 0, layout.lowRamSize());
        if (layout.highRamSize() > 0) {
            vm.mapRam(1, MemoryLayout.HIGH_RAM_START, ram, layout.lowRamSize(), layout.highRamSize(), false);
            builder.add(MemoryLayout.HIGH_RAM_START, ram, layout.lowRamSize(), layout.highRamSize());
        }
        RamGuestMemory mapped = builder.build();
        memory = mapped;
        region = ram;
        lease = new RamLease(ram);
        return mapped;
    }

    /**
     * The host memory behind guest RAM in the current run (low RAM from offset 0, RAM above 4 GiB right after it);
     * null before the first.
     */
    /** The current run's RAM for users outside the vCPUs and devices; null before the first run. */
    RamLease lease() {
        return lease;
    }

    /** Before the current run's RAM is unmapped: waits for its users and refuses later ones. */
    void retire() {
        RamLease l = lease;
        if (l != null) {
            l.retire();
        }
    }

    RamRegion region() {
        return region;
    }

    /** Guest RAM of the current run; null before the first. */
    RamGuestMemory memory() {
        return memory;
    }


    /** What {@code [base, base + length)} would shadow ("guest RAM", "the interrupt controller at ..."), or null. */
    String mmioConflict(long base, long length) {
        if (overlaps(base, length, 0, layout.lowRamSize())
                || overlaps(base, length, MemoryLayout.HIGH_RAM_START, layout.highRamSize())) {
            return "guest RAM";
        }
        for (long[] chip : CHIPSET_MMIO) {
            if (overlaps(base, length, chip[0], chip[1])) {
                return String.format("the interrupt controller at 0x%x", chip[0]);
            }
        }
        return null;
    }

    private static boolean overlaps(long base, long length, long start, long size) {
        return size > 0 && base < start + size && start < base + length;
    }
}
