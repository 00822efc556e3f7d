package com.example.modvm.hello;

import io.modvm.api.device.BusHandler;
import io.modvm.api.device.Device;

/**
 * The registers in BAR 0, little-endian: offset 0 holds the read-only ID {@link #ID}, offset 4 a 32-bit scratch
 * register that keeps what the guest writes (any width) and holds the {@code scratch} property's value after a reset.
 * The rest of the BAR reads 0 and ignores writes.
 * Guest accesses arrive on vCPU threads, hence the volatile field and the synchronized update.
 */
final class HelloPci implements Device, BusHandler {
    static final int ID = 0x4d564845;

    private final String id;
    private final int initialScratch;
    private volatile int scratch;

    HelloPci(String id, int initialScratch) {
        this.id = id;
        this.initialScratch = initialScratch;
        this.scratch = initialScratch;
    }

    @Override
    public long read(long offset, int size) {
        long registers = ID & 0xffffffffL | (scratch & 0xffffffffL) << 32;
        return offset + size > 8 ? 0 : registers >>> 8 * offset & (size == 8 ? -1L : (1L << 8 * size) - 1);
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        if (offset >= 4 && offset + size <= 8) {
            int shift = 8 * (int) (offset - 4);
            int mask = (size == 4 ? -1 : (1 << 8 * size) - 1) << shift;
            scratch = scratch & ~mask | (int) value << shift & mask;
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public void reset() {
        scratch = initialScratch;
    }

    @Override
    public void close() {
        // Nothing of its own to release: the core frees the slot and the BAR when it unplugs the device.
    }
}
