package io.modvm.testguest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A built test guest as a test of an accelerator alone places it: its loadable segments at their physical addresses
 * and its PVH entry, read from the ELF the {@link TestGuestBuilder} made. No boot information is written (a kit guest
 * without a start_info block runs with an empty command line), so a test needs no machine and no loader of the
 * product's own.
 */
public final class TestGuestImage {
    private static final int PT_LOAD = 1;
    private static final int PT_NOTE = 4;
    private static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;

    private record Segment(long address, byte[] bytes, long memorySize) {
    }

    private final List<Segment> segments;
    private final long entry;

    private TestGuestImage(List<Segment> segments, long entry) {
        this.segments = segments;
        this.entry = entry;
    }

    /**
     * Reads an ELF64 test guest.
     *
     * @throws IOException if the file is not a little-endian ELF64 with a PVH entry note
     */
    public static TestGuestImage read(Path elf) throws IOException {
        ByteBuffer f = ByteBuffer.wrap(Files.readAllBytes(elf)).order(ByteOrder.LITTLE_ENDIAN);
        if (f.limit() < 64 || f.getInt(0) != 0x464C457F || f.get(4) != 2 || f.get(5) != 1) {
            throw new IOException(elf + " is not a little-endian ELF64 file");
        }
        long phoff = f.getLong(32);
        int phentsize = Short.toUnsignedInt(f.getShort(54));
        int phnum = Short.toUnsignedInt(f.getShort(56));
        List<Segment> segments = new ArrayList<>();
        long entry = -1;
        for (int i = 0; i < phnum; i++) {
            int ph = (int) (phoff + (long) i * phentsize);
            int type = f.getInt(ph);
            long offset = f.getLong(ph + 8);
            long paddr = f.getLong(ph + 24);
            long filesz = f.getLong(ph + 32);
            long memsz = f.getLong(ph + 40);
            if (type == PT_LOAD) {
                byte[] bytes = new byte[(int) filesz];
                f.get((int) offset, bytes);
                segments.add(new Segment(paddr, bytes, memsz));
            } else if (type == PT_NOTE) {
                long found = pvhEntry(f, (int) offset, (int) filesz);
                entry = found >= 0 ? found : entry;
            }
        }
        if (entry < 0) {
            throw new IOException(elf + " has no PVH entry note (Xen ELF note 18)");
        }
        return new TestGuestImage(List.copyOf(segments), entry);
    }

    private static long pvhEntry(ByteBuffer f, int start, int length) {
        int at = start;
        while (at + 12 <= start + length) {
            int nameSize = f.getInt(at);
            int descSize = f.getInt(at + 4);
            int type = f.getInt(at + 8);
            int desc = at + 12 + align4(nameSize);
            if (type == XEN_ELFNOTE_PHYS32_ENTRY && nameSize == 4 && f.getInt(at + 12) == 0x006E6558) {
                return descSize == 8 ? f.getLong(desc) : Integer.toUnsignedLong(f.getInt(desc));
            }
            at = desc + align4(descSize);
        }
        return -1;
    }

    private static int align4(int n) {
        return (n + 3) & ~3;
    }

    /** The 32-bit protected-mode entry point. */
    public long entry() {
        return entry;
    }

    /** Writes the segments into {@code ram}, a view of guest RAM from guest-physical address 0; bss is zeroed. */
    public void loadInto(ByteBuffer ram) {
        for (Segment s : segments) {
            ram.put((int) s.address(), s.bytes());
            for (long i = s.bytes().length; i < s.memorySize(); i++) {
                ram.put((int) (s.address() + i), (byte) 0);
            }
        }
    }
}
