package io.modvm.core.boot;

import io.modvm.api.memory.GuestMemory;
import io.modvm.core.memory.E820Entry;
import java.util.List;

/** Fields of struct boot_params (the zero page) that a boot loader fills, at their offsets from the kernel's bootparam.h. */
final class BootParams {
    static final int CAN_USE_HEAP = 0x80;
    static final int ACPI_RSDP_ADDR = 0x070;
    static final int EXT_RAMDISK_IMAGE = 0x0C0;
    static final int EXT_RAMDISK_SIZE = 0x0C4;
    static final int EXT_CMD_LINE_PTR = 0x0C8;
    static final int E820_ENTRIES = 0x1E8;
    static final int VID_MODE = 0x1FA;
    static final int TYPE_OF_LOADER = 0x210;
    static final int LOADFLAGS = 0x211;
    static final int CODE32_START = 0x214;
    static final int RAMDISK_IMAGE = 0x218;
    static final int RAMDISK_SIZE = 0x21C;
    static final int CMD_LINE_PTR = 0x228;
    static final int E820_TABLE = 0x2D0;

    private final GuestMemory memory;
    private final long base;

    BootParams(GuestMemory memory, long base) {
        this.memory = memory;
        this.base = base;
    }

    void typeOfLoader(int v) {
        memory.writeByte(base + TYPE_OF_LOADER, (byte) v);
    }

    void loadFlags(int v) {
        memory.writeByte(base + LOADFLAGS, (byte) v);
    }

    /** Where the protected-mode kernel was loaded: its 32-bit entry. */
    void code32Start(long address) {
        memory.writeInt(base + CODE32_START, (int) address);
    }

    void vidMode(int v) {
        memory.writeShort(base + VID_MODE, (short) v);
    }

    void cmdline(long address) {
        memory.writeInt(base + CMD_LINE_PTR, (int) address);
        memory.writeInt(base + EXT_CMD_LINE_PTR, (int) (address >>> 32));
    }

    void ramdisk(long address, long size) {
        memory.writeInt(base + RAMDISK_IMAGE, (int) address);
        memory.writeInt(base + RAMDISK_SIZE, (int) size);
        memory.writeInt(base + EXT_RAMDISK_IMAGE, (int) (address >>> 32));
        memory.writeInt(base + EXT_RAMDISK_SIZE, (int) (size >>> 32));
    }

    void acpiRsdp(long address) {
        memory.writeLong(base + ACPI_RSDP_ADDR, address);
    }

    void e820(List<E820Entry> entries) {
        memory.writeByte(base + E820_ENTRIES, (byte) entries.size());
        for (int i = 0; i < entries.size(); i++) {
            long at = base + E820_TABLE + 20L * i;
            memory.writeLong(at, entries.get(i).address());
            memory.writeLong(at + 8, entries.get(i).size());
            memory.writeInt(at + 16, entries.get(i).type());
        }
    }
}
