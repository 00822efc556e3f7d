package io.modvm.migration.stream;

import io.modvm.api.migration.MigrationChannel;
import io.modvm.api.migration.RamBlock;
import io.modvm.api.state.StateCodec;
import io.modvm.api.state.StateRecord;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes a stream ({@link StreamFormat}). RAM goes out as runs of pages, an all-zero page as a marker only; every
 * byte written is counted, for {@code query-migrate}.
 */
public final class StreamWriter {
    private final DataOutputStream out;
    private final byte[] chunk = new byte[StreamFormat.MAX_RUN * StreamFormat.PAGE_SIZE];
    private long bytes;
    private long normalPages;
    private long zeroPages;

    public StreamWriter(OutputStream target) {
        this.out = new DataOutputStream(new BufferedOutputStream(target, 1 << 20));
    }

    /** The magic, version 1 and the description. */
    public void header(StateRecord description) throws IOException {
        header(description, false);
    }

    /**
     * The magic, the version and the description; {@code extended} if the stream will use a frame that came with
     * version 2 ({@link #handOver}).
     */
    public void header(StateRecord description, boolean extended) throws IOException {
        header(description, extended, List.of());
    }

    /**
     * As {@link #header(StateRecord, boolean)}, and with {@code disks} not empty the disk list after the
     * description (version 3), for a stream that carries those disks ({@link #disk}).
     */
    public void header(StateRecord description, boolean extended, List<StreamDisk> disks) throws IOException {
        if (disks.size() > StreamFormat.MAX_DISKS) {
            throw new IOException(disks.size() + " disks to carry; a stream carries " + StreamFormat.MAX_DISKS
                    + " at most");
        }
        out.write(StreamFormat.MAGIC);
        out.writeInt(!disks.isEmpty() ? StreamFormat.VERSION
                : extended ? StreamFormat.VERSION_2 : StreamFormat.VERSION_1);
        bytes += StreamFormat.MAGIC.length + 4;
        record(StreamFormat.DESCRIPTION, description);
        if (!disks.isEmpty()) {
            out.writeByte(StreamFormat.DISK_LIST);
            out.writeShort(disks.size());
            bytes += 3;
            for (StreamDisk d : disks) {
                byte[] id = d.id().getBytes(StandardCharsets.UTF_8);
                out.writeShort(id.length);
                out.write(id);
                out.writeLong(d.size());
                bytes += 10 + id.length;
            }
        }
        out.flush();
    }

    /**
     * {@code length} bytes of disk {@code disk} (its index in the disk list) at {@code offset}, from {@code data}:
     * as a zero marker when they are all zero. {@code length} is at most {@link StreamFormat#MAX_DISK_RUN}.
     */
    public void disk(int disk, long offset, byte[] data, int length, Pacer paced) throws IOException {
        long before = bytes;
        boolean zero = isZero(data, length);
        out.writeByte(zero ? StreamFormat.DISK_ZERO : StreamFormat.DISK_DATA);
        out.writeShort(disk);
        out.writeLong(offset);
        out.writeInt(length);
        bytes += 15;
        if (!zero) {
            out.write(data, 0, length);
            bytes += length;
        }
        paced.sent(bytes - before);
    }

    private static boolean isZero(byte[] data, int length) {
        for (int i = 0; i < length; i++) {
            if (data[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Sends the pages of {@code block} whose bits are set in {@code pages} (one bit per page), or every page when
     * {@code pages} is null. Returns the number of pages sent; {@code paced} is told every run's size, to keep to
     * the bandwidth limit and to notice a cancel.
     */
    public long pages(int blockIndex, RamBlock block, long[] pages, Pacer paced) throws IOException {
        long count = block.size() / StreamFormat.PAGE_SIZE;
        long sent = 0;
        long page = 0;
        while (page < count) {
            if (pages != null) {
                page = nextSet(pages, page, count);
                if (page >= count) {
                    break;
                }
            }
            long end = page + 1;
            while (end < count && end - page < StreamFormat.MAX_RUN && (pages == null || isSet(pages, end))) {
                end++;
            }
            sent += run(blockIndex, block, page, (int) (end - page), paced);
            page = end;
        }
        return sent;
    }

    /**
     * A run of consecutive pages: zero pages as markers, the others as data, in order. Pages the guest never wrote
     * (holes the block reports) are markers without a look at them: reading them would make the host allocate them.
     */
    private int run(int blockIndex, RamBlock block, long first, int count, Pacer paced) throws IOException {
        long page = first;
        long end = first + count;
        while (page < end) {
            long data = Math.min(end, Math.max(page, pageOf(block.dataFrom(page * StreamFormat.PAGE_SIZE))));
            if (data > page) {
                zeroMarker(blockIndex, page, (int) (data - page), paced);
                page = data;
            }
            if (page < end) {
                long hole = Math.min(end, pageUp(block.dataUntil(page * StreamFormat.PAGE_SIZE)));
                hole = Math.max(hole, page + 1);
                written(blockIndex, block, page, (int) (hole - page), paced);
                page = hole;
            }
        }
        return count;
    }

    private static long pageOf(long offset) {
        return offset / StreamFormat.PAGE_SIZE;
    }

    private static long pageUp(long offset) {
        return (offset + StreamFormat.PAGE_SIZE - 1) / StreamFormat.PAGE_SIZE;
    }

    private void zeroMarker(int blockIndex, long first, int count, Pacer paced) throws IOException {
        long before = bytes;
        out.writeByte(StreamFormat.ZERO_PAGES);
        out.writeShort(blockIndex);
        out.writeLong(first);
        out.writeInt(count);
        bytes += 15;
        zeroPages += count;
        paced.sent(bytes - before);
    }

    /** Pages that may hold data: zero ones still go as markers, the others as data. */
    private void written(int blockIndex, RamBlock block, long first, int count, Pacer paced) throws IOException {
        long base = first * StreamFormat.PAGE_SIZE;
        if (block.isZero(base, count * StreamFormat.PAGE_SIZE)) {
            // RAM the guest zeroed goes in one look per run, not one per page.
            zeroMarker(blockIndex, first, count, paced);
            return;
        }
        int i = 0;
        while (i < count) {
            boolean zero = isZero(block, base, i);
            int j = i + 1;
            while (j < count && isZero(block, base, j) == zero) {
                j++;
            }
            if (zero) {
                zeroMarker(blockIndex, first + i, j - i, paced);
            } else {
                long before = bytes;
                int length = (j - i) * StreamFormat.PAGE_SIZE;
                block.read(base + (long) i * StreamFormat.PAGE_SIZE, chunk, 0, length);
                out.writeByte(StreamFormat.PAGES);
                out.writeShort(blockIndex);
                out.writeLong(first + i);
                out.writeInt(j - i);
                out.write(chunk, 0, length);
                bytes += 15 + length;
                normalPages += j - i;
                paced.sent(bytes - before);
            }
            i = j;
        }
    }

    private static boolean isZero(RamBlock block, long base, int page) {
        return block.isZero(base + (long) page * StreamFormat.PAGE_SIZE, StreamFormat.PAGE_SIZE);
    }

    /**
     * Hands {@code block}'s memfd over instead of its pages: flushes what is buffered, then writes the frame with
     * the descriptor riding on it. The stream must have been started {@code extended}.
     */
    public void handOver(int blockIndex, RamBlock block, MigrationChannel channel) throws IOException {
        int fd = block.fd();
        if (fd < 0) {
            throw new IOException("RAM block " + block.name() + " has no memfd to hand over");
        }
        out.flush();
        ByteBuffer frame = ByteBuffer.allocate(11);
        frame.put((byte) StreamFormat.HANDOVER).putShort((short) blockIndex).putLong(block.size());
        channel.writeWithDescriptors(frame.array(), new int[] {fd});
        bytes += frame.capacity();
    }

    public void passEnd(int pass) throws IOException {
        out.writeByte(StreamFormat.PASS_END);
        out.writeInt(pass);
        bytes += 5;
        out.flush();
    }

    public void state(StateRecord state) throws IOException {
        record(StreamFormat.STATE, state);
    }

    public void end() throws IOException {
        out.writeByte(StreamFormat.END);
        bytes++;
        out.flush();
    }

    private void record(int tag, StateRecord r) throws IOException {
        byte[] b = StateCodec.encode(r);
        out.writeByte(tag);
        out.writeInt(b.length);
        out.write(b);
        bytes += 5 + b.length;
    }

    public void flush() throws IOException {
        out.flush();
    }

    /** Bytes written so far. */
    public long bytes() {
        return bytes;
    }

    /** Pages sent with their data. */
    public long normalPages() {
        return normalPages;
    }

    /** Pages sent as zero markers. */
    public long zeroPages() {
        return zeroPages;
    }

    static boolean isSet(long[] bits, long i) {
        return (bits[(int) (i >>> 6)] & (1L << (i & 63))) != 0;
    }

    /** The first set bit at or after {@code from}, or {@code limit}. */
    static long nextSet(long[] bits, long from, long limit) {
        int w = (int) (from >>> 6);
        if (w >= bits.length) {
            return limit;
        }
        long word = bits[w] & (-1L << (from & 63));
        while (true) {
            if (word != 0) {
                return Math.min(limit, ((long) w << 6) + Long.numberOfTrailingZeros(word));
            }
            if (++w >= bits.length) {
                return limit;
            }
            word = bits[w];
        }
    }

    /** Told the size of everything written, between runs: sleeps to keep to a bandwidth, throws to stop. */
    @FunctionalInterface
    public interface Pacer {
        void sent(long bytes) throws IOException;
    }
}
