package io.modvm.core.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * A parsed 64-bit little-endian x86-64 ELF executable: its loadable segments and its PVH entry point, read from
 * the Xen ELF note of type 18 (XEN_ELFNOTE_PHYS32_ENTRY), and whether it is Linux (a Linux vmlinux carries notes
 * whose owner is "Linux", such as its build salt). Every offset and size in the file is checked against the
 * file's length before it is used.
 */
public final class ElfImage {
    private static final int PT_LOAD = 1;
    private static final int PT_NOTE = 4;
    private static final int SHT_NOTE = 7;
    private static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;
    private static final int EM_X86_64 = 62;

    /** A loadable segment: {@code fileSize} bytes from {@code offset} at {@code physicalAddress}, zero-filled to {@code memorySize}. */
    public record Segment(long physicalAddress, long offset, long fileSize, long memorySize) {
    }

    private final List<Segment> segments;
    private final OptionalLong pvhEntry;
    private final boolean linux;

    private ElfImage(List<Segment> segments, OptionalLong pvhEntry, boolean linux) {
        this.segments = segments;
        this.pvhEntry = pvhEntry;
        this.linux = linux;
    }

    public static boolean isElf(ByteBuffer image) {
        return image.limit() >= 4 && image.get(0) == 0x7F && image.get(1) == 'E' && image.get(2) == 'L'
                && image.get(3) == 'F';
    }

    public static ElfImage parse(ByteBuffer file, String name) throws BootException {
        ByteBuffer b = file.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (!isElf(b) || b.limit() < 64) {
            throw new BootException(name + " is not an ELF file");
        }
        if (b.get(4) != 2 || b.get(5) != 1 || (b.getShort(18) & 0xFFFF) != EM_X86_64) {
            throw new BootException(name + " is not a 64-bit x86-64 ELF file");
        }
        long phoff = b.getLong(32);
        long shoff = b.getLong(40);
        int phentsize = b.getShort(54) & 0xFFFF;
        int phnum = b.getShort(56) & 0xFFFF;
        int shentsize = b.getShort(58) & 0xFFFF;
        int shnum = b.getShort(60) & 0xFFFF;
        if (phnum == 0 || phentsize < 56 || !fits(b, phoff, (long) phentsize * phnum)) {
            throw new BootException(name + " has no valid program headers");
        }
        List<Segment> segments = new ArrayList<>();
        OptionalLong entry = OptionalLong.empty();
        boolean linux = false;
        for (int i = 0; i < phnum; i++) {
            int at = (int) (phoff + (long) i * phentsize);
            int type = b.getInt(at);
            long offset = b.getLong(at + 8);
            long paddr = b.getLong(at + 24);
            long filesz = b.getLong(at + 32);
            long memsz = b.getLong(at + 40);
            if (type == PT_LOAD) {
                if (!fits(b, offset, filesz) || memsz < filesz || paddr < 0) {
                    throw new BootException(name + ": program header " + i + " points outside the file");
                }
                if (memsz > 0) {
                    segments.add(new Segment(paddr, offset, filesz, memsz));
                }
            } else if (type == PT_NOTE && fits(b, offset, filesz)) {
                if (entry.isEmpty()) {
                    entry = pvhNote(b, offset, filesz);
                }
                linux |= hasLinuxNote(b, offset, filesz);
            }
        }
        if ((entry.isEmpty() || !linux) && shentsize >= 64 && fits(b, shoff, (long) shentsize * shnum)) {
            for (int i = 0; i < shnum; i++) {
                int at = (int) (shoff + (long) i * shentsize);
                long offset = b.getLong(at + 24);
                long size = b.getLong(at + 32);
                if (b.getInt(at + 4) == SHT_NOTE && fits(b, offset, size)) {
                    if (entry.isEmpty()) {
                        entry = pvhNote(b, offset, size);
                    }
                    linux |= hasLinuxNote(b, offset, size);
                }
            }
        }
        if (segments.isEmpty()) {
            throw new BootException(name + " has no loadable segments");
        }
        return new ElfImage(List.copyOf(segments), entry, linux);
    }

    private static boolean fits(ByteBuffer b, long offset, long length) {
        return offset >= 0 && length >= 0 && offset <= b.limit() - length;
    }

    /** One note of a note area: where its owner name and its descriptor are in the file. */
    private record Note(long name, long nameSize, int type, long desc, long descSize) {
        boolean ownedBy(ByteBuffer b, String owner) {
            if (nameSize != owner.length() + 1) {
                return false;
            }
            for (int i = 0; i < owner.length(); i++) {
                if (b.get((int) name + i) != owner.charAt(i)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The notes of the area at {@code offset}, up to the first one that does not fit in it. */
    private static List<Note> notes(ByteBuffer b, long offset, long size) {
        List<Note> notes = new ArrayList<>();
        long at = offset;
        long end = offset + size;
        while (at + 12 <= end) {
            long namesz = b.getInt((int) at) & 0xFFFFFFFFL;
            long descsz = b.getInt((int) at + 4) & 0xFFFFFFFFL;
            int type = b.getInt((int) at + 8);
            long name = at + 12;
            long desc = name + align4(namesz);
            if (desc + descsz > end) {
                break;
            }
            notes.add(new Note(name, namesz, type, desc, descsz));
            at = desc + align4(descsz);
        }
        return notes;
    }

    private static OptionalLong pvhNote(ByteBuffer b, long offset, long size) {
        for (Note n : notes(b, offset, size)) {
            if (n.type() == XEN_ELFNOTE_PHYS32_ENTRY && n.ownedBy(b, "Xen")) {
                if (n.descSize() == 4) {
                    return OptionalLong.of(b.getInt((int) n.desc()) & 0xFFFFFFFFL);
                }
                if (n.descSize() == 8) {
                    return OptionalLong.of(b.getLong((int) n.desc()));
                }
            }
        }
        return OptionalLong.empty();
    }

    private static boolean hasLinuxNote(ByteBuffer b, long offset, long size) {
        return notes(b, offset, size).stream().anyMatch(n -> n.ownedBy(b, "Linux"));
    }

    private static long align4(long v) {
        return (v + 3) & ~3L;
    }

    public List<Segment> segments() {
        return segments;
    }

    /** The 32-bit protected-mode entry point from the PVH note, if the image has one. */
    public OptionalLong pvhEntry() {
        return pvhEntry;
    }

    /** True if the image carries a note owned by "Linux", as every Linux vmlinux does. */
    public boolean isLinux() {
        return linux;
    }
}
