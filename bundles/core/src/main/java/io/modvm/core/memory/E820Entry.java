package io.modvm.core.memory;

/** One entry of the BIOS e820 memory map. */
public record E820Entry(long address, long size, int type) {
    public static final int RAM = 1;
    public static final int RESERVED = 2;

    public long end() {
        return address + size;
    }
}
