package io.modvm.block.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A host file opened with O_DIRECT (cache=none, directsync). O_DIRECT transfers must start, end and sit in memory at
 * multiples of the file system's block size. Guest buffers that meet that go straight to the kernel; the rest (guests
 * and qcow2 metadata also use 512- or 8-byte pieces) go through an aligned bounce buffer, reading the edge blocks
 * first when a write covers them only in part (as QEMU does for requests below the host's block size).
 */
final class DirectHostFile extends ChannelHostFile {
    private static final int BOUNCE_BYTES = 1 << 20;

    private final int align;
    private final ByteBuffer bounce;

    DirectHostFile(Path path, FileChannel channel, int align) {
        super(path, channel);
        this.align = align;
        this.bounce = ByteBuffer.allocateDirect(BOUNCE_BYTES + align).alignedSlice(align);
    }

    @Override
    public synchronized void read(ByteBuffer destination, long position) throws IOException {
        if (aligned(destination, position)) {
            readDirect(destination, position);
            return;
        }
        long at = position;
        while (destination.hasRemaining()) {
            long start = alignDown(at);
            int skip = (int) (at - start);
            int span = (int) Math.min(bounce.capacity(), alignUp(skip + (long) destination.remaining()));
            fill(start, span);
            int n = Math.min(span - skip, destination.remaining());
            destination.put(bounce.slice(skip, n));
            at += n;
        }
    }

    @Override
    public synchronized void write(ByteBuffer source, long position) throws IOException {
        if (aligned(source, position)) {
            writeFully(source, position);
            return;
        }
        long end = position + source.remaining();
        long oldSize = channel.size();
        long at = position;
        while (source.hasRemaining()) {
            long start = alignDown(at);
            int skip = (int) (at - start);
            int span = (int) Math.min(bounce.capacity(), alignUp(skip + (long) source.remaining()));
            int n = Math.min(span - skip, source.remaining());
            if (skip != 0 || n != span) {
                // The write covers an edge block only in part: keep the rest of that block.
                fill(start, span);
            }
            ByteBuffer part = source.slice(source.position(), n);
            bounce.clear().position(skip);
            bounce.put(part);
            source.position(source.position() + n);
            bounce.clear().limit(span);
            writeFully(bounce, start);
            at += n;
        }
        long wanted = Math.max(oldSize, end);
        if (channel.size() > wanted) {
            // Whole-block writes past the end of the file would otherwise change a raw image's size.
            channel.truncate(wanted);
        }
    }

    /**
     * Whether the kernel can move {@code buffer}'s bytes itself: native memory (a guest page, say) whose address,
     * length and file position all sit on block boundaries. Guest page cache I/O usually does.
     */
    private boolean aligned(ByteBuffer buffer, long position) {
        return buffer.isDirect() && (position & (align - 1)) == 0 && (buffer.remaining() & (align - 1)) == 0
                && buffer.alignmentOffset(buffer.position(), align) == 0;
    }

    /** Reads straight into an {@link #aligned} buffer; zero past the end of file, as {@link #fill} gives. */
    private void readDirect(ByteBuffer destination, long position) throws IOException {
        long at = position;
        while (destination.hasRemaining()) {
            int n = channel.read(destination, at);
            if (n <= 0 || (n & (align - 1)) != 0) {
                BufferRuns.zeroRest(destination);
                return;
            }
            at += n;
        }
    }

    /** Reads {@code span} bytes at the aligned {@code start} into the bounce buffer, zero past the end of file. */
    private void fill(long start, int span) throws IOException {
        bounce.clear().limit(span);
        long at = start;
        while (bounce.hasRemaining()) {
            int n = channel.read(bounce, at);
            if (n <= 0 || (n & (align - 1)) != 0) {
                // A transfer that ends off a block boundary ended at the end of the file.
                break;
            }
            at += n;
        }
        BufferRuns.zeroRest(bounce);
        bounce.clear();
    }

    private long alignDown(long value) {
        return value & -align;
    }

    private long alignUp(long value) {
        return (value + align - 1) & -align;
    }
}
