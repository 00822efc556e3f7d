package io.modvm.migration.stream;

import io.modvm.api.migration.RamBlock;
import java.nio.ByteBuffer;

/** RAM in a buffer, standing in for a machine's memfd in the stream tests. */
class HeapBlock implements RamBlock {
    private final String name;
    final ByteBuffer bytes;

    HeapBlock(String name, ByteBuffer bytes) {
        this.name = name;
        this.bytes = bytes;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return bytes.capacity();
    }

    @Override
    public void read(long offset, byte[] destination, int at, int length) {
        bytes.get((int) offset, destination, at, length);
    }

    @Override
    public void write(long offset, byte[] source, int at, int length) {
        bytes.put((int) offset, source, at, length);
    }

    @Override
    public boolean isZero(long offset, int length) {
        return bytes.slice((int) offset, length).mismatch(ByteBuffer.allocate(length)) < 0;
    }

    @Override
    public void zero(long offset, long length) {
        bytes.put((int) offset, new byte[(int) length]);
    }

    @Override
    public int fd() {
        return -1;
    }
}
