package io.modvm.testguest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Just enough of an ELF64 reader to check what a PVH loader will look at. */
final class ElfImage {
    static final int PT_LOAD = 1;
    static final int PT_NOTE = 4;
    static final int PF_X = 1;
    static final int PF_W = 2;
    static final int PF_R = 4;

    record Segment(int type, int flags, long offset, long vaddr, long paddr, long filesz, long memsz, long align) {
        boolean contains(long address) {
            return address >= paddr && address < paddr + memsz;
        }
    }

    record Note(String name, int type, byte[] desc) {
        long descAsLong() {
            ByteBuffer b = ByteBuffer.wrap(desc).order(ByteOrder.LITTLE_ENDIAN);
            return desc.length >= 8 ? b.getLong() : Integer.toUnsignedLong(b.getInt());
        }
    }

    final byte[] bytes;
    final int elfClass;
    final int dataEncoding;
    final int type;
    final int machine;
    final long entry;
    final List<Segment> segments = new ArrayList<>();

    ElfImage(Path file) throws IOException {
        bytes = Files.readAllBytes(file);
        if (bytes.length < 64 || bytes[0] != 0x7f || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F') {
            throw new IOException("not an ELF file: " + file);
        }
        elfClass = bytes[4];
        dataEncoding = bytes[5];
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        type = Short.toUnsignedInt(b.getShort(16));
        machine = Short.toUnsignedInt(b.getShort(18));
        entry = b.getLong(24);
        long phoff = b.getLong(32);
        int phentsize = Short.toUnsignedInt(b.getShort(54));
        int phnum = Short.toUnsignedInt(b.getShort(56));
        for (int i = 0; i < phnum; i++) {
            int o = (int) (phoff + (long) i * phentsize);
            segments.add(new Segment(b.getInt(o), b.getInt(o + 4), b.getLong(o + 8), b.getLong(o + 16),
                    b.getLong(o + 24), b.getLong(o + 32), b.getLong(o + 40), b.getLong(o + 48)));
        }
    }

    List<Segment> segments(int wanted) {
        return segments.stream().filter(s -> s.type() == wanted).toList();
    }

    /** Notes of one PT_NOTE segment, 4-byte aligned name and descriptor as the gABI lays them out. */
    List<Note> notes(Segment note) {
        List<Note> notes = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long pos = note.offset();
        long end = note.offset() + note.filesz();
        while (pos + 12 <= end) {
            int namesz = b.getInt((int) pos);
            int descsz = b.getInt((int) pos + 4);
            int ntype = b.getInt((int) pos + 8);
            int nameOff = (int) pos + 12;
            int descOff = nameOff + align4(namesz);
            String name = new String(bytes, nameOff, Math.max(0, namesz - 1), StandardCharsets.US_ASCII);
            byte[] desc = new byte[descsz];
            System.arraycopy(bytes, descOff, desc, 0, descsz);
            notes.add(new Note(name, ntype, desc));
            pos = descOff + align4(descsz);
        }
        return notes;
    }

    /** File bytes backing a physical address range of a PT_LOAD segment. */
    byte[] read(long paddr, int length) {
        for (Segment s : segments(PT_LOAD)) {
            if (paddr >= s.paddr() && paddr + length <= s.paddr() + s.filesz()) {
                byte[] out = new byte[length];
                System.arraycopy(bytes, (int) (s.offset() + (paddr - s.paddr())), out, 0, length);
                return out;
            }
        }
        throw new IllegalArgumentException("address not backed by file data: 0x" + Long.toHexString(paddr));
    }

    private static int align4(int n) {
        return (n + 3) & ~3;
    }
}
