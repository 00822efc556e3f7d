package io.modvm.devices.emulated.e1000;

/**
 * A descriptor ring as the registers described it when the device looked (base, length, head and tail), checked:
 * the device owns the descriptors from {@code head} up to, not including, {@code tail}. {@code epoch} names the
 * ring's programming; a reset or a new base, length or head starts another, and work done on an older snapshot is
 * not committed.
 */
record DescriptorRing(int epoch, long base, int count, int head, int tail) {
    /** Descriptors the device owns. */
    int owned() {
        return Math.floorMod(tail - head, count);
    }

    /** The guest-physical address of the descriptor {@code steps} after the head. */
    long address(int steps) {
        return base + (long) index(steps) * E1000Registers.DESCRIPTOR_SIZE;
    }

    /** The ring index {@code steps} after the head. */
    int index(int steps) {
        return (head + steps) % count;
    }

    /**
     * Why registers {@code base}, {@code lengthBytes}, {@code head} and {@code tail} make no usable ring, or null:
     * no descriptors, or a head or tail past the end (the device would read outside the ring).
     */
    static String problem(long base, int lengthBytes, int head, int tail) {
        int count = lengthBytes / E1000Registers.DESCRIPTOR_SIZE;
        if (count == 0) {
            return null;
        }
        if (head >= count || tail >= count) {
            return "head " + head + " or tail " + tail + " is past the end of a ring of " + count + " descriptors";
        }
        return null;
    }
}
