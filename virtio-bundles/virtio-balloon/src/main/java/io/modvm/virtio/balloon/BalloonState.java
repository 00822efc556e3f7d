package io.modvm.virtio.balloon;

/**
 * What a balloon device must carry across a snapshot or a bundle update, beyond the queues the transport saves: the
 * configuration space and the latest statistics. The statistics buffer the device may be holding is not part of it
 * yet: returning it after a restore needs the queue to count it as in flight, which {@code SplitVirtqueue.restore}
 * cannot express today, so a restored device gets no further statistics until the driver is reset.
 *
 * @param numPages the host's target, in 4 KiB pages
 * @param actual the pages the driver said it holds
 * @param poisonVal the driver's page poison value
 * @param lastStats the latest statistics report
 */
public record BalloonState(int numPages, int actual, int poisonVal, GuestStats lastStats) {
    /** Format version, for the codec that will carry this record. */
    public static final int VERSION = 1;
}
