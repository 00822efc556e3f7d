package io.modvm.virtio.balloon;

import io.modvm.api.memory.GuestMemory;
import io.modvm.virtio.device.GuestErrorLog;
import io.modvm.virtio.queue.ChainReader;
import io.modvm.virtio.queue.DescriptorChain;
import io.modvm.virtio.queue.VirtqueueException;

/**
 * Reads one inflate or deflate request: the chain's readable bytes are an array of little-endian 32-bit page frame
 * numbers (virtio 1.2, 5.5.6.1). The frames go to a {@link PageRuns} in order; trailing bytes that do not make a
 * whole frame number are ignored and reported.
 */
final class PfnRequest {
    /** Read in slices, so that a huge (hostile) request never needs a huge buffer. */
    private static final int SLICE = 4096;

    private PfnRequest() {
    }

    /** Feeds the chain's frames to {@code runs} and flushes them; returns how many frames the request named. */
    static long read(GuestMemory memory, DescriptorChain chain, PageRuns runs, GuestErrorLog errors, String queue)
            throws VirtqueueException {
        ChainReader reader = new ChainReader(memory, chain);
        long frames = reader.remaining() / Integer.BYTES;
        long trailing = reader.remaining() % Integer.BYTES;
        byte[] slice = new byte[(int) Math.min(SLICE, frames * Integer.BYTES)];
        long left = frames;
        while (left > 0) {
            int count = (int) Math.min(left, slice.length / Integer.BYTES);
            int bytes = reader.read(slice, 0, count * Integer.BYTES);
            for (int at = 0; at + Integer.BYTES <= bytes; at += Integer.BYTES) {
                runs.add(Integer.toUnsignedLong(littleEndianInt(slice, at)));
            }
            left -= count;
        }
        runs.flush();
        if (trailing != 0) {
            errors.report(queue + " length", "request of " + (frames * Integer.BYTES + trailing)
                    + " bytes is not a whole number of 32-bit frame numbers; the last " + trailing + " ignored");
        }
        if (runs.outsideRam() > 0) {
            errors.report(queue + " frame", String.format("%d page frame(s) outside guest RAM skipped, first 0x%x",
                    runs.outsideRam(), runs.firstOutsideRam()));
        }
        return frames;
    }

    private static int littleEndianInt(byte[] bytes, int at) {
        return (bytes[at] & 0xFF) | (bytes[at + 1] & 0xFF) << 8 | (bytes[at + 2] & 0xFF) << 16
                | (bytes[at + 3] & 0xFF) << 24;
    }
}
