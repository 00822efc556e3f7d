package io.modvm.devices.emulated.testdev;

import io.modvm.api.device.BusHandler;
import io.modvm.devices.emulated.support.AccessWidth;
import java.util.Arrays;

/**
 * Little-endian bytes that read back what was written, at any width and offset that fits. A test guest proves
 * with it that an access reached this device, at the offset and width it issued.
 */
final class ScratchMemory implements BusHandler {
    private final byte[] bytes;

    ScratchMemory(int length) {
        bytes = new byte[length];
    }

    @Override
    public synchronized long read(long offset, int size) {
        if (!fits(offset, size)) {
            return AccessWidth.allOnes(size);
        }
        long value = 0;
        for (int i = size - 1; i >= 0; i--) {
            value = (value << 8) | (bytes[(int) offset + i] & 0xff);
        }
        return value;
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        if (!fits(offset, size)) {
            return;
        }
        for (int i = 0; i < size; i++) {
            bytes[(int) offset + i] = (byte) (value >>> (8 * i));
        }
    }

    /** A copy of the bytes. */
    synchronized byte[] contents() {
        return bytes.clone();
    }

    /** Replaces the bytes; {@code values} must be as long as this memory. */
    synchronized void load(byte[] values) {
        System.arraycopy(values, 0, bytes, 0, bytes.length);
    }

    int length() {
        return bytes.length;
    }

    synchronized void clear() {
        Arrays.fill(bytes, (byte) 0);
    }

    private boolean fits(long offset, int size) {
        boolean width = size == 1 || size == 2 || size == 4 || size == 8;
        return width && offset >= 0 && offset <= bytes.length - size;
    }
}
