package io.modvm.core.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds small ELF64 files for loader tests: one PT_LOAD and, optionally, a PT_NOTE with the PVH entry. */
final class TestElf {
    private TestElf() {
    }

    static ByteBuffer build(long loadAddress, byte[] code, long memSize, Long pvhEntry) {
        int phnum = pvhEntry == null ? 1 : 2;
        int phoff = 64;
        int noteOff = phoff + 56 * phnum;
        int noteSize = 12 + 4 + 4;
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
        }
        b.put(codeOff, code);
        return b;
    }
}
