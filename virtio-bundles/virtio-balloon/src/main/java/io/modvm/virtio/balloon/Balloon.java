package io.modvm.virtio.balloon;

/**
 * A plugged balloon device as the monitor commands and the automatic policy drive it. Sizes are the guest's usable
 * memory in bytes, as QEMU's {@code balloon} and {@code query-balloon} count them: RAM minus the balloon.
 */
public interface Balloon {
    /** The device id. */
    String id();

    /** The guest's RAM size. */
    long ramSize();

    /** The memory the host asks the guest to keep: RAM minus {@code num_pages}. */
    long targetMemory();

    /**
     * Asks the guest to shrink or grow to {@code bytes} of usable memory, at most {@link #ramSize()} (more is taken
     * as all of RAM, as QEMU does); the driver hears of it through a configuration interrupt.
     */
    void setTargetMemory(long bytes);

    /** The memory the guest has now: RAM minus the pages the driver reports in {@code actual}. */
    long actualMemory();

    /** The guest's latest memory statistics, or {@link GuestStats#NONE}. */
    GuestStats stats();
}
