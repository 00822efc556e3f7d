package io.modvm.core.bus;

import io.modvm.api.device.BusHandler;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A port or MMIO address space: non-overlapping ranges, each served by one device. Lookups happen on every
 * guest exit and take no lock (the map is replaced, never changed, when a device is plugged or unplugged).
 * Accesses nothing claims are ignored: reads return all ones, as on a PC bus with nothing behind the address.
 * Each unclaimed address is logged the first time and counted ever after.
 */
public final class IoBus {
    private static final Logger LOG = LoggerFactory.getLogger(IoBus.class);

    /** A claimed range. */
    public record Range(long base, long length, String owner, BusHandler handler) {
        long end() {
            return base + length;
        }
    }

    private final String kind;
    private final long limit;
    private volatile TreeMap<Long, Range> ranges = new TreeMap<>();
    private final AtomicLong unclaimed = new AtomicLong();
    private final Map<Long, Boolean> reported = new ConcurrentHashMap<>();
    private final Map<String, Boolean> failingOwners = new ConcurrentHashMap<>();

    /**
     * @param kind {@code port} or {@code MMIO}, for messages
     * @param limit one past the highest address of the space
     */
    public IoBus(String kind, long limit) {
        this.kind = kind;
        this.limit = limit;
    }

    /** Claims a range; fails with a message naming the current owner if any part is taken. */
    public synchronized void claim(long base, long length, String owner, BusHandler handler) {
        if (base < 0 || length <= 0 || base > limit - length) {
            throw new IllegalArgumentException(String.format("%s range 0x%x+0x%x is outside the %s space", kind,
                    base, length, kind));
        }
        Range clash = overlapping(base, length);
        if (clash != null) {
            throw new IllegalArgumentException(String.format("%s range 0x%x-0x%x of %s overlaps 0x%x-0x%x of %s",
                    kind, base, base + length - 1, owner, clash.base, clash.end() - 1, clash.owner));
        }
        TreeMap<Long, Range> next = new TreeMap<>(ranges);
        next.put(base, new Range(base, length, owner, handler));
        ranges = next;
    }

    /** Releases every range {@code owner} holds. */
    public synchronized void releaseAll(String owner) {
        TreeMap<Long, Range> next = new TreeMap<>(ranges);
        next.values().removeIf(r -> r.owner.equals(owner));
        ranges = next;
    }

    private Range overlapping(long base, long length) {
        Map.Entry<Long, Range> below = ranges.floorEntry(base + length - 1);
        if (below != null && below.getValue().end() > base) {
            return below.getValue();
        }
        return null;
    }

    /** The range containing {@code address}, or null. */
    public Range find(long address) {
        Map.Entry<Long, Range> e = ranges.floorEntry(address);
        if (e == null || address >= e.getValue().end()) {
            return null;
        }
        return e.getValue();
    }

    public long read(long address, int size) {
        Range r = find(address);
        if (r == null) {
            noteUnclaimed(address, size, "read");
            return allOnes(size);
        }
        try {
            return r.handler.read(address - r.base, size) & allOnes(size);
        } catch (RuntimeException e) {
            deviceFailed(r, e);
            return allOnes(size);
        }
    }

    public void write(long address, int size, long value) {
        Range r = find(address);
        if (r == null) {
            noteUnclaimed(address, size, "write");
            return;
        }
        try {
            r.handler.write(address - r.base, size, value & allOnes(size));
        } catch (RuntimeException e) {
            deviceFailed(r, e);
        }
    }

    /** A device bug must not take the vCPU down; it is logged once per device and the access is dropped. */
    private void deviceFailed(Range r, RuntimeException e) {
        if (failingOwners.putIfAbsent(r.owner, Boolean.TRUE) == null) {
            LOG.error("device {} failed on a guest {} access; the access was dropped", r.owner, kind, e);
        }
    }

    private void noteUnclaimed(long address, int size, String what) {
        unclaimed.incrementAndGet();
        if (reported.size() < 64 && reported.putIfAbsent(address, Boolean.TRUE) == null) {
            LOG.info("guest {} of {} byte(s) at unmapped {} 0x{} ignored (counted from now on, not logged)", what,
                    size, kind, Long.toHexString(address));
        }
    }

    /** How many guest accesses hit no device so far. */
    public long unclaimedAccesses() {
        return unclaimed.get();
    }

    static long allOnes(int size) {
        return size >= 8 ? -1L : (1L << (8 * size)) - 1;
    }
}
