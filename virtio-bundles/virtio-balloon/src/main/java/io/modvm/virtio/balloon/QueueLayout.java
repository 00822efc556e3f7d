package io.modvm.virtio.balloon;

/**
 * Which virtqueue index serves which purpose. The spec numbers the balloon's queues by the features negotiated:
 * inflateq 0 and deflateq 1 always, then statsq if STATS_VQ, then free_page_vq if FREE_PAGE_HINT, then reporting_vq
 * if PAGE_REPORTING, each taking the next free index (Linux's find_vqs skips the absent ones the same way). An
 * absent queue has index -1.
 */
record QueueLayout(int inflate, int deflate, int stats, int reporting) {
    static final int INFLATE = 0;
    static final int DEFLATE = 1;
    /** The most queues any negotiation can use; FREE_PAGE_HINT is never offered, so its queue never exists. */
    static final int MAX_QUEUES = 4;

    static QueueLayout of(long features) {
        int next = DEFLATE + 1;
        int stats = has(features, BalloonFeatures.STATS_VQ) ? next++ : -1;
        int reporting = has(features, BalloonFeatures.PAGE_REPORTING) ? next : -1;
        return new QueueLayout(INFLATE, DEFLATE, stats, reporting);
    }

    private static boolean has(long features, int bit) {
        return (features & (1L << bit)) != 0;
    }
}
