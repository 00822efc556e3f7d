package io.modvm.core.acpi;

import io.modvm.api.device.BusHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A block of I/O registers served a byte at a time, so that any access width at any offset works: ACPICA reads
 * and writes GPE registers a byte at a time and fields at their declared width, and other guests do as they like.
 * The bytes of one access are read or written under the block's lock, as one access. Bytes past the block read
 * as ones and are dropped on writes; an access that starts outside it is logged once and ignored. Nothing a guest
 * does throws.
 */
public abstract class ByteRegisters implements BusHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ByteRegisters.class);
    private final String name;
    private final int length;
    private final Object lock;
    private boolean warned;

    /**
     * @param name the block, for the one warning
     * @param lock guards the registers; {@link #readByte}, {@link #writeByte} and {@link #afterRead} run
     *     under it
     */
    protected ByteRegisters(String name, int length, Object lock) {
        this.name = name;
        this.length = length;
        this.lock = lock;
    }

    /** The byte at {@code offset}, inside the block. */
    protected abstract int readByte(int offset);

    /** Writes one byte at {@code offset}, inside the block. */
    protected abstract void writeByte(int offset, int value);

    /** Called after the bytes of a read are taken, under the lock (a read that clears a register does it here). */
    protected void afterRead(long offset, int size) {
    }

    /** Called after a write, outside the lock (what may call out, such as an eject, happens here). */
    protected void afterWrite() {
    }

    @Override
    public final long read(long offset, int size) {
        if (outside(offset, size, "read")) {
            return -1L;
        }
        long value = 0;
        synchronized (lock) {
            for (int i = 0; i < size; i++) {
                long at = offset + i;
                long b = at < length ? readByte((int) at) & 0xFF : 0xFF;
                value |= b << (8 * i);
            }
            afterRead(offset, size);
        }
        return value;
    }

    @Override
    public final void write(long offset, int size, long value) {
        if (outside(offset, size, "write")) {
            return;
        }
        synchronized (lock) {
            for (int i = 0; i < size && offset + i < length; i++) {
                writeByte((int) offset + i, (int) (value >>> (8 * i)) & 0xFF);
            }
        }
        afterWrite();
    }

    private boolean outside(long offset, int size, String what) {
        if (offset >= 0 && offset < length && size >= 1 && size <= 8) {
            return false;
        }
        synchronized (lock) {
            if (!warned) {
                warned = true;
                LOG.warn("{}: ignoring a {}-byte {} at offset {}", name, size, what, offset);
            }
        }
        return true;
    }
}
