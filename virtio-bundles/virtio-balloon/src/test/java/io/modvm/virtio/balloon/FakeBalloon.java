package io.modvm.virtio.balloon;

/** A balloon without a device behind it: the monitor's and the policy's tests set and read its numbers. */
public final class FakeBalloon implements Balloon {
    private final long ramSize;
    private long target;
    private long actual;
    private GuestStats stats = GuestStats.NONE;
    private int targetsSet;

    public FakeBalloon(long ramSize) {
        this.ramSize = ramSize;
        this.target = ramSize;
        this.actual = ramSize;
    }

    @Override
    public String id() {
        return "balloon0";
    }

    @Override
    public long ramSize() {
        return ramSize;
    }

    @Override
    public synchronized long targetMemory() {
        return target;
    }

    @Override
    public synchronized void setTargetMemory(long bytes) {
        target = Math.min(bytes, ramSize);
        targetsSet++;
    }

    @Override
    public synchronized long actualMemory() {
        return actual;
    }

    public synchronized void setActual(long bytes) {
        actual = bytes;
    }

    @Override
    public synchronized GuestStats stats() {
        return stats;
    }

    public synchronized void setStats(GuestStats stats) {
        this.stats = stats;
    }

    public synchronized int targetsSet() {
        return targetsSet;
    }
}
