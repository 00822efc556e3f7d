package io.modvm.core.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds small ELF64 files for loader tests: one PT_LOAD and, optionally, a PT_NOTE with the PVH entry (and, for
 * a kernel that stands for Linux, a note owned by "Linux" after it, as a vmlinux has).
 */
final class TestElf {
    private TestElf() {
    }

    static ByteBuffer build(long loadAddress, byte[] code, long memSize, Long pvhEntry) {
        return build(loadAddress, code, memSize, pvhEntry, false);
    }

    static ByteBuffer buildLinux(long loadAddress, byte[] code, long memSize, long pvhEntry) {
        return build(loadAddress, code, memSize, pvhEntry, true);
    }

    private static ByteBuffer build(long loadAddress, byte[] code, long memSize, Long pvhEntry, boolean linux) {
        int phnum = pvhEntry == null ? 1 : 2;
        int phoff = 64;
        int noteOff = phoff + 56 * phnum;
        int xenNoteSize = 12 + 4 + 4;
        int linuxNoteSize = 12 + 8 + 4;
        int noteSize = xenNoteSize + (linux ? linuxNoteSize : 0);
        int codeOff = 0x200;
        ByteBuffer b = ByteBuffer.allocate(codeOff + code.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0x464C457F);
        b.put(4, (byte) 2);
        b.put(5, (byte) 1);
        b.put(6, (byte) 1);
        b.putShort(16, (short) 2);
        b.putShort(18, (short) 62);
        b.putInt(20, 1);
        b.putLong(24, loadAddress);
        b.putLong(32, phoff);
        b.putShort(52, (short) 64);
        b.putShort(54, (short) 56);
        b.putShort(56, (short) phnum);
        b.putShort(58, (short) 64);
        int at = phoff;
        b.putInt(at, 1);
        b.putInt(at + 4, 5);
        b.putLong(at + 8, codeOff);
        b.putLong(at + 16, loadAddress);
        b.putLong(at + 24, loadAddress);
        b.putLong(at + 32, code.length);
        b.putLong(at + 40, memSize);
        if (pvhEntry != null) {
            at += 56;
            b.putInt(at, 4);
            b.putLong(at + 8, noteOff);
            b.putLong(at + 32, noteSize);
            b.putLong(at + 40, noteSize);
            b.putInt(noteOff, 4);
            b.putInt(noteOff + 4, 4);
            b.putInt(noteOff + 8, 18);
            b.put(noteOff + 12, (byte) 'X').put(noteOff + 13, (byte) 'e').put(noteOff + 14, (byte) 'n');
            b.putInt(noteOff + 16, pvhEntry.intValue());
            if (linux) {
                int linuxNote = noteOff + xenNoteSize;
                b.putInt(linuxNote, 6);
                b.putInt(linuxNote + 4, 4);
                b.putInt(linuxNote + 8, 0x100); // LINUX_ELFNOTE_BUILD_SALT
                b.put(linuxNote + 12, "Linux".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
        }
        b.put(codeOff, code);
        return b;
    }
}
