package io.modvm.migration.outgoing;

import io.modvm.block.BlockNode;
import io.modvm.block.DiskImage;
import io.modvm.block.WriteLog;
import io.modvm.migration.stream.StreamDisk;
import io.modvm.migration.stream.StreamWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The disks of a block migration ({@code migrate -b}): every disk once while the guest runs, then the chunks
 * written since, round after round, and in the stop-and-copy the rest. A {@link WriteLog} on each disk's node,
 * started before the first byte is read, says which chunks a round must send again, so that a chunk read before a
 * write is always sent again after it.
 */
final class DiskCopy implements AutoCloseable {
    /** The chunk a write log marks and a round sends: 64 KiB, as QEMU's block migration. */
    static final int CHUNK = 64 << 10;

    private final List<StreamDisk> list;
    private final List<DiskImage> images = new ArrayList<>();
    private final List<WriteLog> logs = new ArrayList<>();
    /** Chunks written and not yet sent again, per disk. */
    private final List<long[]> pending = new ArrayList<>();
    private final byte[] chunk = new byte[CHUNK];
    /** Bytes of disk sent so far, for query-migrate's {@code disk}. */
    private long sentBytes;
    /** Bytes the first full copy has still to send. */
    private long bulkLeft;
    /** Bytes written since they were sent, as the last {@link #collect()} found them. */
    private long pendingBytes;

    /** Starts logging the writes to {@code disks} (by node id); the log runs until {@link #close()}. */
    DiskCopy(Map<String, BlockNode> disks, List<StreamDisk> list) {
        this.list = list;
        this.bulkLeft = totalBytes();
        try {
            for (BlockNode node : disks.values()) {
                logs.add(node.trackWrites(CHUNK));
                images.add(node.image());
                pending.add(new long[0]);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The disk list the stream announces. */
    List<StreamDisk> list() {
        return list;
    }

    /** Bytes on all the disks. */
    long totalBytes() {
        return list.stream().mapToLong(StreamDisk::size).sum();
    }

    /** Every chunk of every disk. */
    void bulk(StreamWriter out, StreamWriter.Pacer paced) throws IOException {
        for (int d = 0; d < images.size(); d++) {
            long size = images.get(d).size();
            for (long at = 0; at < size; at += CHUNK) {
                send(out, d, at, paced);
                bulkLeft -= Math.min(CHUNK, size - at);
            }
        }
    }

    /** Bytes sent so far. */
    long sentBytes() {
        return sentBytes;
    }

    /** Bytes still to send: the rest of the first copy and the chunks written since they were sent. */
    long remainingBytes() {
        return bulkLeft + pendingBytes;
    }

    /** Takes in what the logs marked since the last call; returns the bytes now waiting to be sent again. */
    long collect() {
        long chunks = 0;
        for (int d = 0; d < logs.size(); d++) {
            long[] merged = OutgoingMigration.or(pending.get(d), logs.get(d).fetch());
            pending.set(d, merged);
            for (long w : merged) {
                chunks += Long.bitCount(w);
            }
        }
        pendingBytes = chunks * CHUNK;
        return pendingBytes;
    }

    /** Sends the chunks {@link #collect()} took in, and forgets them. */
    void sendPending(StreamWriter out, StreamWriter.Pacer paced) throws IOException {
        for (int d = 0; d < images.size(); d++) {
            long[] bits = pending.get(d);
            long size = images.get(d).size();
            for (int w = 0; w < bits.length; w++) {
                long word = bits[w];
                while (word != 0) {
                    long index = ((long) w << 6) + Long.numberOfTrailingZeros(word);
                    word &= word - 1;
                    long at = index * CHUNK;
                    if (at < size) {
                        send(out, d, at, paced);
                    }
                }
            }
            pending.set(d, new long[0]);
        }
        pendingBytes = 0;
    }

    /** The stop-and-copy: everything written and not yet sent. The devices are quiesced, so nothing is in flight. */
    void finish(StreamWriter out, StreamWriter.Pacer paced) throws IOException {
        collect();
        sendPending(out, paced);
    }

    private void send(StreamWriter out, int disk, long at, StreamWriter.Pacer paced) throws IOException {
        DiskImage image = images.get(disk);
        int length = (int) Math.min(CHUNK, image.size() - at);
        image.read(ByteBuffer.wrap(chunk, 0, length), at);
        out.disk(disk, at, chunk, length, paced);
        sentBytes += length;
    }

    @Override
    public void close() {
        for (WriteLog log : logs) {
            log.close();
        }
        logs.clear();
    }
}
