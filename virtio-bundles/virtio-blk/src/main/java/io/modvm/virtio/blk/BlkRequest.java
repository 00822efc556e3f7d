package io.modvm.virtio.blk;

import io.modvm.virtio.queue.ChainReader;
import io.modvm.virtio.queue.DescriptorChain;
import io.modvm.virtio.queue.Segment;
import io.modvm.virtio.queue.VirtqueueException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * One request as the driver laid it out (virtio 1.2, 5.2.6): a 16-byte header the device reads, then the data (read
 * for OUT, DISCARD and WRITE_ZEROES; written for IN and GET_ID), then one status byte the device writes, which is the
 * last device-writable byte of the chain.
 *
 * @param type the request type
 * @param sector the first sector (unsigned, from the guest)
 * @param readableData the device-readable bytes after the header
 * @param writableData the device-writable bytes before the status byte
 */
record BlkRequest(int type, long sector, long readableData, long writableData) {
    /**
     * Reads the header through {@code reader}, leaving it at the first data byte.
     *
     * @throws VirtqueueException (chain scope) if the chain has fewer than 16 readable bytes
     */
    static BlkRequest parse(DescriptorChain chain, ChainReader reader) throws VirtqueueException {
        byte[] header = new byte[VirtioBlk.HEADER_BYTES];
        reader.readFully(header);
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        return new BlkRequest(h.getInt(0), h.getLong(8), chain.readableLength() - VirtioBlk.HEADER_BYTES,
                chain.writableLength() - 1);
    }

    /** The guest address of the status byte, or -1 if the chain has nothing the device may write. */
    static long statusAddress(DescriptorChain chain) {
        List<Segment> writable = chain.writable();
        if (writable.isEmpty()) {
            return -1;
        }
        Segment last = writable.get(writable.size() - 1);
        return last.address() + last.length() - 1;
    }
}
