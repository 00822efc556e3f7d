package io.modvm.migration;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One migration's figures, as {@code query-migrate} shows them. The migration's thread writes them; the monitor
 * reads them at any time, so every field is read and written under the object's lock.
 */
public final class MigrationProgress {
    private static final int PAGE = 4096;

    private MigrationStatus status = MigrationStatus.NONE;
    private final boolean incoming;
    private final long startMillis = System.currentTimeMillis();
    private long setupMillis = -1;
    private long endMillis = -1;
    private long downtimeMillis = -1;
    private long expectedDowntimeMillis = -1;
    private long transferred;
    private long remaining;
    private long total;
    private long duplicate;
    private long normal;
    private long dirtySyncCount;
    private long dirtyPagesRate;
    private double mbps;
    private long downtimeBytes;
    private long precopyBytes;
    private long throttlePercent;
    /** Block migration's figures; diskTotal -1 when no disk travels in the stream. */
    private long diskTransferred;
    private long diskRemaining;
    private long diskTotal = -1;
    private String error;

    public MigrationProgress(boolean incoming) {
        this.incoming = incoming;
    }

    public synchronized MigrationStatus status() {
        return status;
    }

    /** Moves to {@code s}, unless the migration has ended already: an end is final. */
    public synchronized void status(MigrationStatus s) {
        if (status.finished() && status != MigrationStatus.NONE) {
            return;
        }
        status = s;
        if (s == MigrationStatus.ACTIVE && setupMillis < 0) {
            setupMillis = System.currentTimeMillis() - startMillis;
        }
        if (s.finished() && endMillis < 0) {
            endMillis = System.currentTimeMillis();
        }
    }

    /** A cancel asked while it is still in setup, active or device: true if it moved to cancelling now. */
    public synchronized boolean cancelling() {
        if (status != MigrationStatus.SETUP && status != MigrationStatus.ACTIVE && status != MigrationStatus.DEVICE) {
            return false;
        }
        status = MigrationStatus.CANCELLING;
        return true;
    }

    public synchronized void fail(String why) {
        error = why;
        status(MigrationStatus.FAILED);
    }

    public synchronized String error() {
        return error;
    }

    public synchronized void ram(long transferredBytes, long remainingBytes, long totalBytes, long duplicatePages,
            long normalPages) {
        transferred = transferredBytes;
        remaining = remainingBytes;
        total = totalBytes;
        duplicate = duplicatePages;
        normal = normalPages;
    }

    public synchronized void pass(long syncCount, long pagesRate, double megabitsPerSecond, long expectedMillis) {
        dirtySyncCount = syncCount;
        dirtyPagesRate = pagesRate;
        mbps = megabitsPerSecond;
        expectedDowntimeMillis = expectedMillis;
    }

    public synchronized void stopped(long precopy) {
        precopyBytes = precopy;
    }

    public synchronized void downtime(long millis, long bytes) {
        downtimeMillis = millis;
        downtimeBytes = bytes;
    }

    public synchronized void throttle(long percent) {
        throttlePercent = percent;
    }

    public synchronized long downtimeMillis() {
        return downtimeMillis;
    }

    public synchronized long totalMillis() {
        return (endMillis < 0 ? System.currentTimeMillis() : endMillis) - startMillis;
    }

    /** A block migration's disk bytes: sent, still to send, and on all the disks carried. */
    public synchronized void disk(long transferredBytes, long remainingBytes, long totalBytes) {
        diskTransferred = transferredBytes;
        diskRemaining = remainingBytes;
        diskTotal = totalBytes;
    }

    /** {@code query-migrate}'s MigrationInfo. */
    public synchronized Map<String, Object> toQmp() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (status == MigrationStatus.NONE) {
            return m;
        }
        m.put("status", status.qmpName());
        if (incoming) {
            if (error != null) {
                m.put("error-desc", error);
            }
            return m;
        }
        if (setupMillis >= 0) {
            m.put("setup-time", setupMillis);
        }
        m.put("total-time", totalMillis());
        if (status == MigrationStatus.COMPLETED) {
            m.put("downtime", downtimeMillis);
        } else if (expectedDowntimeMillis >= 0 && !status.finished()) {
            m.put("expected-downtime", expectedDowntimeMillis);
        }
        if (throttlePercent > 0) {
            m.put("cpu-throttle-percentage", throttlePercent);
        }
        Map<String, Object> ram = new LinkedHashMap<>();
        ram.put("transferred", transferred);
        ram.put("remaining", remaining);
        ram.put("total", total);
        ram.put("duplicate", duplicate);
        ram.put("skipped", 0L);
        ram.put("normal", normal);
        ram.put("normal-bytes", normal * PAGE);
        ram.put("dirty-sync-count", dirtySyncCount);
        ram.put("page-size", (long) PAGE);
        ram.put("multifd-bytes", 0L);
        ram.put("pages-per-second", mbps > 0 ? (long) (mbps * 1e6 / 8 / PAGE) : 0L);
        ram.put("precopy-bytes", precopyBytes);
        ram.put("downtime-bytes", downtimeBytes);
        ram.put("postcopy-bytes", 0L);
        ram.put("dirty-pages-rate", dirtyPagesRate);
        ram.put("mbps", mbps);
        m.put("ram", ram);
        if (diskTotal >= 0) {
            Map<String, Object> disk = new LinkedHashMap<>();
            disk.put("transferred", diskTransferred);
            disk.put("remaining", diskRemaining);
            disk.put("total", diskTotal);
            m.put("disk", disk);
        }
        if (error != null) {
            m.put("error-desc", error);
        }
        return m;
    }
}
