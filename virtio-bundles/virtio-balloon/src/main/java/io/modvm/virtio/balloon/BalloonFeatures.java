package io.modvm.virtio.balloon;

/** The balloon's feature bits (virtio 1.2, 5.5.3). */
final class BalloonFeatures {
    static final int MUST_TELL_HOST = 0;
    static final int STATS_VQ = 1;
    static final int DEFLATE_ON_OOM = 2;
    static final int FREE_PAGE_HINT = 3;
    static final int PAGE_POISON = 4;
    static final int PAGE_REPORTING = 5;

    private BalloonFeatures() {
    }
}
