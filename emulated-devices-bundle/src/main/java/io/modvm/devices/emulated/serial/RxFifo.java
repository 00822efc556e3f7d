package io.modvm.devices.emulated.serial;

/**
 * The receiver FIFO of a 16550A. With the FIFO disabled the chip still has one holding register, which is the
 * same queue limited to a single byte; that keeps one code path for both modes. Not thread-safe: the UART
 * guards it.
 */
final class RxFifo {
    static final int DEPTH = 16;

    private final byte[] slots = new byte[DEPTH];
    private int head;
    private int count;
    private int limit = 1;

    int size() {
        return count;
    }

    boolean isEmpty() {
        return count == 0;
    }

    boolean isFull() {
        return count >= limit;
    }

    int room() {
        return Math.max(0, limit - count);
    }

    /** Switches between FIFO mode (16 bytes) and the single holding register; the caller clears first. */
    void setLimit(int limit) {
        this.limit = limit;
    }

    void clear() {
        head = 0;
        count = 0;
    }

    /** Returns false, keeping the queue as it is, when there is no room (an overrun). */
    boolean push(int value) {
        if (isFull()) {
            return false;
        }
        slots[(head + count) % DEPTH] = (byte) value;
        count++;
        return true;
    }

    /** The oldest byte; the queue must not be empty. */
    int pop() {
        int value = slots[head] & 0xFF;
        head = (head + 1) % DEPTH;
        count--;
        return value;
    }
}
