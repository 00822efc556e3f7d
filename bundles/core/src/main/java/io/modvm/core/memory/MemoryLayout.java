package io.modvm.core.memory;

import java.util.ArrayList;
import java.util.List;

/**
 * Where guest RAM sits in guest-physical space, PC style: RAM from 0 up to at most 3 GiB, the rest above
 * 4 GiB, and the hole between kept for MMIO (IOAPIC, local APIC, device windows).
 */
public final class MemoryLayout {
    /** The highest address RAM reaches below 4 GiB. */
    public static final long LOW_RAM_LIMIT = 0xC000_0000L;
    public static final long HIGH_RAM_START = 0x1_0000_0000L;
    /** The start of the extended BIOS data area; the e820 map reserves it and the BIOS area as a PC does. */
    public static final long EBDA_START = 0x9_FC00L;
    public static final long BIOS_START = 0xF_0000L;
    public static final long ONE_MIB = 0x10_0000L;

    private final long ramSize;

    public MemoryLayout(long ramSize) {
        if (ramSize < 2 * ONE_MIB) {
            throw new IllegalArgumentException("guest RAM must be at least 2 MiB");
        }
        this.ramSize = ramSize;
    }

    public long ramSize() {
        return ramSize;
    }

    /** RAM mapped from guest address 0. */
    public long lowRamSize() {
        return Math.min(ramSize, LOW_RAM_LIMIT);
    }

    /** RAM mapped from {@link #HIGH_RAM_START}; zero for guests of 3 GiB or less. */
    public long highRamSize() {
        return ramSize - lowRamSize();
    }

    /** The e820 map a guest is given, sorted and non-overlapping. */
    public List<E820Entry> e820() {
        List<E820Entry> map = new ArrayList<>();
        map.add(new E820Entry(0, EBDA_START, E820Entry.RAM));
        map.add(new E820Entry(EBDA_START, 0xA_0000L - EBDA_START, E820Entry.RESERVED));
        map.add(new E820Entry(BIOS_START, ONE_MIB - BIOS_START, E820Entry.RESERVED));
        map.add(new E820Entry(ONE_MIB, lowRamSize() - ONE_MIB, E820Entry.RAM));
        if (highRamSize() > 0) {
            map.add(new E820Entry(HIGH_RAM_START, highRamSize(), E820Entry.RAM));
        }
        return map;
    }

    /**
     * Where RAM is, without the reservations of {@link #e820()}: the map QEMU hands its firmware as
     * {@code etc/e820}, which reserves the areas it uses (EBDA, BIOS) itself.
     */
    public List<E820Entry> ramRanges() {
        List<E820Entry> map = new ArrayList<>();
        map.add(new E820Entry(0, lowRamSize(), E820Entry.RAM));
        if (highRamSize() > 0) {
            map.add(new E820Entry(HIGH_RAM_START, highRamSize(), E820Entry.RAM));
        }
        return map;
    }

    /** True if {@code [address, address + length)} is RAM (not a reserved or hole range). */
    public boolean isUsableRam(long address, long length) {
        if (address < 0 || length < 0) {
            return false;
        }
        for (E820Entry e : e820()) {
            if (e.type() == E820Entry.RAM && address >= e.address() && length <= e.end() - address) {
                return true;
            }
        }
        return false;
    }
}
