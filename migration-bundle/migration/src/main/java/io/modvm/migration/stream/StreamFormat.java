package io.modvm.migration.stream;

/**
 * The byte layout of a migration stream, versions 1 to 3 (big-endian):
 *
 * <pre>
 * "MODVMMIG" u32 version
 * frames, each a tag byte and its body:
 *   'D' u32 length, a state record (io.modvm.api.state codec): the source machine's description; first frame
 *   'K' u16 count, count times (u16 length, that many UTF-8 bytes of the node id, u64 size): the disks the stream
 *       carries (block migration); right after the description, in version 3 only, which is how a reader knows
 *       to wait for it before it answers the description
 *   'B' u16 disk, u64 offset, u32 length, length bytes: data of the disk at that index of the 'K' list (version 3)
 *   'N' u16 disk, u64 offset, u32 length: a run of the disk that reads as zeroes (version 3)
 *   'P' u16 block, u64 first page, u32 count, count pages of data
 *   'Z' u16 block, u64 first page, u32 count: pages that are all zero
 *   'I' u32 pass: the end of one pass over RAM
 *   'F' u16 block, u64 size: the block's memfd rides on these bytes (SCM_RIGHTS), to be mapped in place of the
 *       destination's own memory; a local migration sends it instead of pages (version 2)
 *   'S' u32 length, a state record: everything but RAM, after the last pages
 *   'E': the end
 * </pre>
 *
 * A stream writes version 1 unless it uses a frame that came with version 2 or 3, so that an older reader refuses
 * it by its version rather than at the first frame it does not know. Version 3 was needed, and not only for its
 * new frames: its reader must read the disk list before it answers the description, and only the version tells
 * it that one follows (a reader waiting for a frame the source never sends would wait for ever).
 *
 * <p>On a carrier with a way back, the destination answers the description with one line, {@code OK} or
 * {@code REFUSED <why>}, before the source sends any RAM, and the end with {@code DONE} or {@code FAILED <why>}
 * once the machine is loaded, so that the source stops only a guest that runs elsewhere.
 */
public final class StreamFormat {
    /** The first bytes of every stream. */
    static final byte[] MAGIC = {'M', 'O', 'D', 'V', 'M', 'M', 'I', 'G'};
    /** The layout version of a stream with version 1's frames only. */
    static final int VERSION_1 = 1;
    /** The layout version of a stream that hands memory over ('F') but carries no disks. */
    static final int VERSION_2 = 2;
    /** The newest layout version this code writes and reads: a disk list after the description, disk frames. */
    static final int VERSION = 3;
    /** Guest pages are counted in 4 KiB. */
    public static final int PAGE_SIZE = 4096;
    /** Pages in one data frame at most: 1 MiB. */
    static final int MAX_RUN = 256;
    /** A description or state record longer than this is not believed. */
    static final int MAX_RECORD = 256 << 20;

    static final int DESCRIPTION = 'D';
    static final int PAGES = 'P';
    static final int ZERO_PAGES = 'Z';
    static final int PASS_END = 'I';
    static final int HANDOVER = 'F';
    static final int STATE = 'S';
    static final int DISK_LIST = 'K';
    static final int DISK_DATA = 'B';
    static final int DISK_ZERO = 'N';
    /** Disks in a list at most. */
    static final int MAX_DISKS = 256;
    /** Bytes in one disk data frame at most: 1 MiB, as for RAM. */
    public static final int MAX_DISK_RUN = MAX_RUN * PAGE_SIZE;
    static final int END = 'E';

    /** The destination's answers on the way back. */
    public static final String OK = "OK";
    public static final String REFUSED = "REFUSED";
    public static final String DONE = "DONE";
    public static final String FAILED = "FAILED";

    private StreamFormat() {
    }
}
