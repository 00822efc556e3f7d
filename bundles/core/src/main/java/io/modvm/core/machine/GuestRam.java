package io.modvm.core.machine;

import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.accel.RamRegion;
import io.modvm.api.accel.VirtualMachine;
import io.modvm.api.memory.GuestMemory;
import io.modvm.core.acpi.PcPlatform;
import io.modvm.core.memory.MemoryLayout;
import io.modvm.core.memory.RamGuestMemory;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Guest RAM: where it sits ({@link MemoryLayout}), the memory of the current run (allocated and mapped into each
 * new VM, since a reset builds a fresh one), and what device MMIO may not shadow.
 */
final class GuestRam {
    /** The in-kernel IOAPIC and local APIC windows; no device may claim them. */
    private static final long[][] CHIPSET_MMIO = {{PcPlatform.IOAPIC_ADDRESS, 0x1000},
        {PcPlatform.LAPIC_ADDRESS, 0x10_0000}};

    /** The first memory slot of ROMs; RAM takes 0 and 1. */
    private static final int FIRST_ROM_SLOT = 2;
    private static final long PAGE = 4096;

    /** Read-only memory beside RAM (a firmware image), mapped in every run. */
    private record Rom(String name, long address, byte[] image) {
        long size() {
            return (image.length + PAGE - 1) & -PAGE;
        }
    }

    private final MemoryLayout layout;
    private final List<Rom> roms = new CopyOnWriteArrayList<>();
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
        int slot = FIRST_ROM_SLOT;
        for (Rom rom : roms) {
            RamRegion region = vm.allocateRam(rom.name(), rom.size());
            ByteBuffer view = region.view(0, rom.image().length);
            view.put(rom.image());
            vm.mapRam(slot++, rom.address(), region, 0, rom.size(), true);
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


    /**
     * Adds a read-only copy of {@code image} at {@code address}, mapped from the next run on; null if it fits, else
     * what it would shadow.
     */
    String addRom(String name, long address, byte[] image) {
        Rom rom = new Rom(name, address, image.clone());
        String clash = mmioConflict(address, rom.size());
        if (clash == null) {
            roms.add(rom);
        }
        return clash;
    }

    /** What {@code [base, base + length)} would shadow ("guest RAM", "the interrupt controller at ..."), or null. */
    String mmioConflict(long base, long length) {
        if (overlaps(base, length, 0, layout.lowRamSize())
                || overlaps(base, length, MemoryLayout.HIGH_RAM_START, layout.highRamSize())) {
            return "guest RAM";
        }
        for (Rom rom : roms) {
            if (overlaps(base, length, rom.address(), rom.size())) {
                return String.format("the %s ROM at 0x%x", rom.name(), rom.address());
            }
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
