package io.modvm.devices.emulated.serial;

/**
 * The receiver FIFO of a 16550A. With the FIFO disabled the chip still has one holding register, which is the
 * same queue limited to a single byte; that keeps one code path for both modes. Each slot also carries the
 * break flag of its character, because a 16550 reports line errors for the character at the top of the FIFO,
 * not when the character arrives. Not thread-safe: the UART guards it.
 */
final class RxFifo {
    static final int DEPTH = 16;

    private final byte[] slots = new byte[DEPTH];
    private final boolean[] breaks = new boolean[DEPTH];
    private int head;
    private int count;
    private int limit = 1;
    private int breakCount;

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
        breakCount = 0;
    }

    /**
     * Queues a character; {@code lineBreak} marks the 0x00 character a break condition leaves. Returns false,
     * keeping the queue as it is, when there is no room (an overrun).
     */
    boolean push(int value, boolean lineBreak) {
        if (isFull()) {
            return false;
        }
        int slot = (head + count) % DEPTH;
        slots[slot] = (byte) value;
        breaks[slot] = lineBreak;
        count++;
        if (lineBreak) {
            breakCount++;
        }
        return true;
    }

    /** The oldest byte; the queue must not be empty. */
    int pop() {
        int value = slots[head] & 0xFF;
        if (breaks[head]) {
            breakCount--;
        }
        head = (head + 1) % DEPTH;
        count--;
        return value;
    }

    /** The queued characters, oldest first. */
    byte[] contents() {
        byte[] out = new byte[count];
        for (int i = 0; i < count; i++) {
            out[i] = slots[(head + i) % DEPTH];
        }
        return out;
    }

    /** For each queued character, oldest first, 1 if it is a break character, else 0. */
    byte[] breakFlags() {
        byte[] out = new byte[count];
        for (int i = 0; i < count; i++) {
            out[i] = (byte) (breaks[(head + i) % DEPTH] ? 1 : 0);
        }
        return out;
    }

    /** Replaces the queue with {@code values} and their break flags; at most {@link #DEPTH} characters. */
    void load(byte[] values, byte[] breakFlags) {
        clear();
        for (int i = 0; i < values.length; i++) {
            slots[i] = values[i];
            breaks[i] = breakFlags[i] != 0;
            if (breaks[i]) {
                breakCount++;
            }
        }
        count = values.length;
    }

    /** Whether the oldest character is a break; false when empty. */
    boolean topIsBreak() {
        return count > 0 && breaks[head];
    }

    /** Whether any queued character is a break. */
    boolean containsBreak() {
        return breakCount > 0;
    }
}
