package io.modvm.core.memory;

import io.modvm.api.accel.RamRegion;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Heap-backed RAM for unit tests of code that only needs bytes, not a VM. */
public final class HeapRam implements RamRegion {
    private final ByteBuffer bytes;

    public HeapRam(int size) {
        bytes = ByteBuffer.allocate(size);
    }

    @Override
    public long size() {
        return bytes.capacity();
    }

    @Override
    public ByteBuffer view(long offset, int length) {
        return bytes.slice((int) offset, length).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void discard(long offset, long length) {
        for (long i = offset; i < offset + length; i++) {
            bytes.put((int) i, (byte) 0);
        }
    }

    @Override
    public void close() {
    }
}
