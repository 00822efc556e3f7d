package io.modvm.core.machine;

import io.modvm.api.accel.RamRegion;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Guest RAM of one run as threads outside the vCPUs and devices use it (a migration copying it, a snapshot): each
 * use holds the lease for its duration, and the machine retires it before it unmaps the RAM, waiting for the use in
 * progress, so that such a thread never touches memory that is gone (which would crash the JVM). After retirement
 * every use fails with an IllegalStateException.
 */
final class RamLease {
    private final RamRegion region;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean retired;

    RamLease(RamRegion region) {
        this.region = region;
    }

    RamRegion region() {
        return region;
    }

    /** Runs {@code use} with the RAM mapped. */
    <T> T use(Supplier<T> use) {
        lock.readLock().lock();
        try {
            if (retired) {
                throw new IllegalStateException("guest RAM is gone: the machine ended or reset");
            }
            return use.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Waits for the use in progress and refuses every later one; the RAM may then be unmapped. */
    void retire() {
        lock.writeLock().lock();
        try {
            retired = true;
        } finally {
            lock.writeLock().unlock();
        }
    }
}
