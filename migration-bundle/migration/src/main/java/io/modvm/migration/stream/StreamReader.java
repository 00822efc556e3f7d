package io.modvm.migration.stream;

import io.modvm.api.migration.MigrationException;
import io.modvm.api.migration.RamBlock;
import io.modvm.api.state.StateCodec;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.block.DiskImage;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a stream ({@link StreamFormat}) into a machine's RAM. Nothing in the stream is trusted: the magic and
 * version come first, every block index, page number and count is checked against the destination's own RAM and
 * every record length against a bound, and the first bad frame ends the load with a message naming it.
 */
public final class StreamReader {
    private final DataInputStream in;
    private final byte[] chunk = new byte[StreamFormat.MAX_RUN * StreamFormat.PAGE_SIZE];
    private long bytes;
    private long frames;
    private List<StreamDisk> disks = List.of();

    public StreamReader(InputStream source) {
        this.in = new DataInputStream(new BufferedInputStream(source, 1 << 20));
    }

    /** The magic, the version and the source's description. */
    public StateRecord header() throws MigrationException {
        byte[] magic = new byte[StreamFormat.MAGIC.length];
        try {
            in.readFully(magic);
            if (!Arrays.equals(magic, StreamFormat.MAGIC)) {
                throw new MigrationException("not a modvm migration stream (it does not start with "
                        + new String(StreamFormat.MAGIC, java.nio.charset.StandardCharsets.US_ASCII) + ")");
            }
            int version = in.readInt();
            if (version < 1 || version > StreamFormat.VERSION) {
                throw new MigrationException("migration stream version " + Integer.toUnsignedString(version)
                        + " is not readable by this modvm (it reads versions 1 to " + StreamFormat.VERSION + ")");
            }
            bytes += magic.length + 4;
            if (in.readUnsignedByte() != StreamFormat.DESCRIPTION) {
                throw new MigrationException("migration stream: the machine description is missing");
            }
            bytes++;
            StateRecord description = record("machine description");
            if (version >= StreamFormat.VERSION) {
                disks = diskList();
            }
            return description;
        } catch (EOFException e) {
            throw new MigrationException("migration stream ends before its header is complete (" + bytes
                    + " bytes read)", e);
        } catch (IOException e) {
            throw new MigrationException("migration stream: " + e.getMessage(), e);
        }
    }

    /** The disk list after the description, read by {@link #header()}: empty for a stream without disks. */
    public List<StreamDisk> disks() {
        return disks;
    }

    private List<StreamDisk> diskList() throws IOException, MigrationException {
        if (in.readUnsignedByte() != StreamFormat.DISK_LIST) {
            throw new MigrationException("migration stream: the disk list is missing");
        }
        int count = in.readUnsignedShort();
        bytes += 3;
        if (count == 0 || count > StreamFormat.MAX_DISKS) {
            throw bad("a list of " + count + " disks");
        }
        List<StreamDisk> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] id = new byte[in.readUnsignedShort()];
            in.readFully(id);
            long size = in.readLong();
            bytes += 10 + id.length;
            if (size < 0) {
                throw bad("disk " + i + " of " + Long.toUnsignedString(size) + " bytes");
            }
            out.add(new StreamDisk(new String(id, StandardCharsets.UTF_8), size));
        }
        return List.copyOf(out);
    }

    /** What {@link #load} found at the end of RAM: the machine's state, read from the 'S' frame. */
    public record Loaded(StateRecord state, long pages, long zeroPages, int passes, int handedOver) {
    }

    /**
     * Reads frames into {@code ram} until the end; returns the machine state. {@code ram} must be the
     * destination's blocks, in the order the description listed them (the caller compared them first).
     */
    public Loaded load(List<RamBlock> ram) throws MigrationException {
        return load(ram, count -> {
            throw new IOException("this carrier passes no file descriptors");
        });
    }

    /** Where the descriptors that ride on the stream are found: the channel's {@code takeDescriptors}. */
    @FunctionalInterface
    public interface Descriptors {
        int[] take(int count) throws IOException;
    }

    /**
     * As {@link #load(List)}, taking a block's memory handed over ('F') from {@code descriptors}; {@link Loaded}
     * counts the blocks taken so.
     */
    public Loaded load(List<RamBlock> ram, Descriptors descriptors) throws MigrationException {
        return load(ram, descriptors, List.of());
    }

    /**
     * As {@link #load(List, Descriptors)}, writing the disk frames into {@code targets}: the destination's images
     * in the order of {@link #disks()} (the caller matched them by id and size first). Every disk index, offset and
     * length is checked against the target before anything is written.
     */
    public Loaded load(List<RamBlock> ram, Descriptors descriptors, List<DiskImage> targets)
            throws MigrationException {
        StateRecord state = null;
        long pages = 0;
        long zeros = 0;
        int passes = 0;
        int handedOver = 0;
        try {
            while (true) {
                int tag = in.readUnsignedByte();
                bytes++;
                frames++;
                switch (tag) {
                    case StreamFormat.PAGES, StreamFormat.ZERO_PAGES -> {
                        int block = in.readUnsignedShort();
                        long first = in.readLong();
                        int count = in.readInt();
                        bytes += 14;
                        RamBlock target = check(ram, block, first, count, tag == StreamFormat.PAGES);
                        long at = first * StreamFormat.PAGE_SIZE;
                        int length = count * StreamFormat.PAGE_SIZE;
                        if (tag == StreamFormat.PAGES) {
                            in.readFully(chunk, 0, length);
                            bytes += length;
                            target.write(at, chunk, 0, length);
                            pages += count;
                        } else {
                            target.zero(at, length);
                            zeros += count;
                        }
                    }
                    case StreamFormat.HANDOVER -> {
                        int block = in.readUnsignedShort();
                        long size = in.readLong();
                        bytes += 10;
                        if (block >= ram.size()) {
                            throw bad("memory handed over for RAM block " + block + " (the machine has "
                                    + ram.size() + ")");
                        }
                        RamBlock target = ram.get(block);
                        if (size != target.size()) {
                            throw bad("memory of " + size + " bytes handed over for " + target.name() + " ("
                                    + target.size() + " bytes)");
                        }
                        int[] fd = descriptors.take(1);
                        target.adopt(fd[0]);
                        handedOver++;
                    }
                    case StreamFormat.DISK_DATA, StreamFormat.DISK_ZERO -> {
                        int disk = in.readUnsignedShort();
                        long offset = in.readLong();
                        int length = in.readInt();
                        bytes += 14;
                        boolean data = tag == StreamFormat.DISK_DATA;
                        DiskImage target = checkDisk(targets, disk, offset, length, data);
                        if (data) {
                            in.readFully(chunk, 0, length);
                            bytes += length;
                            target.write(ByteBuffer.wrap(chunk, 0, length), offset);
                        } else {
                            target.writeZeroes(offset, length, false);
                        }
                    }
                    case StreamFormat.PASS_END -> {
                        in.readInt();
                        bytes += 4;
                        passes++;
                    }
                    case StreamFormat.STATE -> {
                        if (state != null) {
                            throw bad("a second machine state");
                        }
                        state = record("machine state");
                    }
                    case StreamFormat.END -> {
                        if (state == null) {
                            throw bad("the end, before the machine state");
                        }
                        return new Loaded(state, pages, zeros, passes, handedOver);
                    }
                    default -> throw bad(String.format("unknown frame tag 0x%02x", tag));
                }
            }
        } catch (EOFException e) {
            throw new MigrationException("migration stream ends early, at byte " + bytes
                    + " (the source stopped, or the file is truncated)", e);
        } catch (IOException e) {
            throw new MigrationException("migration stream: " + e.getMessage() + " at byte " + bytes, e);
        }
    }

    private RamBlock check(List<RamBlock> ram, int block, long first, int count, boolean data)
            throws MigrationException {
        if (block >= ram.size()) {
            throw bad("RAM block " + block + " (the machine has " + ram.size() + ")");
        }
        RamBlock b = ram.get(block);
        long limit = b.size() / StreamFormat.PAGE_SIZE;
        if (count <= 0 || (data && count > StreamFormat.MAX_RUN) || first < 0 || first > limit
                || count > limit - first) {
            throw bad(count + " pages at page " + first + " of " + b.name() + " (" + limit + " pages)");
        }
        return b;
    }

    private DiskImage checkDisk(List<DiskImage> targets, int disk, long offset, int length, boolean data)
            throws MigrationException {
        if (disk >= targets.size()) {
            throw bad("disk " + disk + " (the stream carries " + targets.size() + ")");
        }
        DiskImage d = targets.get(disk);
        if (length <= 0 || (data && length > StreamFormat.MAX_DISK_RUN) || offset < 0 || offset > d.size()
                || length > d.size() - offset) {
            throw bad(Integer.toUnsignedString(length) + " bytes at offset " + offset + " of disk " + disk + " ("
                    + d.size() + " bytes)");
        }
        return d;
    }

    private StateRecord record(String what) throws IOException, MigrationException {
        int length = in.readInt();
        bytes += 4;
        if (length < 0 || length > StreamFormat.MAX_RECORD) {
            throw bad(what + " of " + Integer.toUnsignedString(length) + " bytes");
        }
        byte[] b = new byte[length];
        in.readFully(b);
        bytes += length;
        try {
            return StateCodec.decode(b);
        } catch (StateException e) {
            throw new MigrationException("migration stream: " + what + ": " + e.getMessage(), e);
        }
    }

    private MigrationException bad(String what) {
        return new MigrationException("migration stream is malformed at byte " + bytes + " (frame " + frames + "): "
                + what);
    }

    /** Bytes read so far. */
    public long bytes() {
        return bytes;
    }
}
