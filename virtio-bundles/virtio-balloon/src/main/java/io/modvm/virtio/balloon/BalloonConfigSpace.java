package io.modvm.virtio.balloon;

import io.modvm.virtio.device.ConfigBytes;

/**
 * The balloon's configuration space (virtio 1.2, 5.5.4): {@code num_pages} (the host's target, in 4 KiB pages),
 * {@code actual} (what the driver says it holds), {@code free_page_hint_cmd_id} and {@code poison_val}, all
 * little-endian 32-bit. The host writes num_pages; the driver writes actual and poison_val; the command id stays 0
 * because free page hinting is never offered.
 *
 * <p>Accesses come from vCPU threads (the driver), the monitor and the automatic policy at once, hence the lock.
 * Driver accesses may be of any width at any offset: they are applied byte by byte to the field image, so a 2-byte
 * write into the middle of {@code actual} does what it would on hardware.
 */
final class BalloonConfigSpace {
    static final int SIZE = 16;
    static final int NUM_PAGES = 0;
    static final int ACTUAL = 4;
    static final int FREE_PAGE_HINT_CMD_ID = 8;
    static final int POISON_VAL = 12;

    private int numPages;
    private int actual;
    private int poisonVal;

    synchronized int numPages() {
        return numPages;
    }

    synchronized void setNumPages(int pages) {
        numPages = pages;
    }

    synchronized int actual() {
        return actual;
    }

    synchronized int poisonVal() {
        return poisonVal;
    }

    /** Sets what the driver holds, for a reset (0) or a restored state. */
    synchronized void restore(int numPages, int actual, int poisonVal) {
        this.numPages = numPages;
        this.actual = actual;
        this.poisonVal = poisonVal;
    }

    /** Reads {@code size} bytes at {@code offset}; bytes past the end read as 0. */
    synchronized long read(int offset, int size) {
        return ConfigBytes.read(image(), offset, size);
    }

    /**
     * Applies a driver write. Bytes that fall on num_pages or the command id, or past the end, are dropped.
     *
     * @return true if the write changed {@code actual}
     */
    synchronized boolean write(int offset, int size, long value) {
        byte[] image = image();
        for (int i = 0; i < size; i++) {
            int at = offset + i;
            if (at >= ACTUAL && at < FREE_PAGE_HINT_CMD_ID || at >= POISON_VAL && at < SIZE) {
                image[at] = (byte) (value >>> (8 * i));
            }
        }
        int before = actual;
        actual = field(image, ACTUAL);
        poisonVal = field(image, POISON_VAL);
        return actual != before;
    }

    private byte[] image() {
        byte[] image = new byte[SIZE];
        put(image, NUM_PAGES, numPages);
        put(image, ACTUAL, actual);
        put(image, POISON_VAL, poisonVal);
        return image;
    }

    private static void put(byte[] image, int at, int value) {
        for (int i = 0; i < 4; i++) {
            image[at + i] = (byte) (value >>> (8 * i));
        }
    }

    private static int field(byte[] image, int at) {
        int value = 0;
        for (int i = 3; i >= 0; i--) {
            value = (value << 8) | (image[at + i] & 0xFF);
        }
        return value;
    }
}
