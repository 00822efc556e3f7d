package io.modvm.core.bus;

import io.modvm.api.device.BusHandler;
import java.util.List;
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
 *
 * <p>A device whose handler throws on a guest access is fenced off: the failure is logged once (an error naming
 * the device, with the exception), and from then on every range the device holds on this bus reads all ones and
 * ignores writes, without calling the device again, as if it had left the bus; the vCPU and every other device go
 * on. The device is the range's owner up to a {@code #} (a PCI BAR is claimed as {@code id#barN}). The fence stays
 * when a BAR moves, and is lifted when the device's ranges are released under its own id (the machine does that
 * when it unplugs or parks the device, so that a device plugged again, or a new instance after a hot-swap, starts
 * unfenced). Ranges claimed with {@link #claimShared} (the machine's own, serving every device) are never fenced: a
 * failure there drops that one access. A PCI function catches its own device's configuration-space callback before
 * it gets here, and fences the device's BARs with {@link #fence}.
 */
public final class IoBus {
    private static final Logger LOG = LoggerFactory.getLogger(IoBus.class);

    /** A claimed range. */
    public record Range(long base, long length, String owner, BusHandler handler, boolean shared) {
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
    /** Fenced devices (owner up to '#'); looked up on an access only while it is not empty. */
    private final Map<String, Boolean> fenced = new ConcurrentHashMap<>();

    /**
     * @param kind {@code port} or {@code MMIO}, for messages
     * @param limit one past the highest address of the space
     */
    public IoBus(String kind, long limit) {
        this.kind = kind;
        this.limit = limit;
    }

    /** Claims a range for a device; fails with a message naming the current owner if any part is taken. */
    public void claim(long base, long length, String owner, BusHandler handler) {
        claim(base, length, owner, handler, false);
    }

    /**
     * Claims a range that serves every device (the PCI configuration ports, the GPE0 block, the PCI hotplug
     * registers): it is never fenced, since fencing it would cut off devices that did nothing wrong.
     */
    public void claimShared(long base, long length, String owner, BusHandler handler) {
        claim(base, length, owner, handler, true);
    }

    private synchronized void claim(long base, long length, String owner, BusHandler handler, boolean shared) {
        if (base < 0 || length <= 0 || base > limit - length) {
            throw new IllegalArgumentException(String.format("%s range 0x%x+0x%x is outside the %s space", kind,
                    base, length, kind));
        }
        Range clash = overlapping(base, length);
        if (clash != null) {
            throw new IllegalArgumentException(String.format("%s range 0x%x-0x%x of %s overlaps 0x%x-0x%x of %s; "
                    + "give one of them another address", kind, base, base + length - 1, owner, clash.base,
                    clash.end() - 1, clash.owner));
        }
        TreeMap<Long, Range> next = new TreeMap<>(ranges);
        next.put(base, new Range(base, length, owner, handler, shared));
        ranges = next;
    }

    /**
     * Releases every range {@code owner} holds. Released under a device's own id (not one of its BARs), the
     * device's fence, if any, is lifted too.
     */
    public synchronized void releaseAll(String owner) {
        TreeMap<Long, Range> next = new TreeMap<>(ranges);
        next.values().removeIf(r -> r.owner.equals(owner));
        ranges = next;
        if (owner.indexOf('#') < 0 && fenced.remove(owner) != null) {
            LOG.info("device {} released its {} ranges; its fence is lifted", owner, kind);
        }
    }

    /**
     * Fences off the device {@code owner} stands for, for a failure this bus did not see (the caller logs it); lifted
     * as any fence is. Returns false if the device was fenced already.
     */
    public boolean fence(String owner) {
        return fenced.putIfAbsent(device(owner), Boolean.TRUE) == null;
    }

    /** Whether the device that owns {@code owner}'s ranges is fenced off on this bus. */
    public boolean isFenced(String owner) {
        return !fenced.isEmpty() && fenced.containsKey(device(owner));
    }

    /** The device an owner name stands for: the name up to a {@code #}. */
    static String device(String owner) {
        int hash = owner.indexOf('#');
        return hash < 0 ? owner : owner.substring(0, hash);
    }

    private Range overlapping(long base, long length) {
        Map.Entry<Long, Range> below = ranges.floorEntry(base + length - 1);
        if (below != null && below.getValue().end() > base) {
            return below.getValue();
        }
        return null;
    }

    /** The ranges {@code owner} claimed under exactly that name, by address (a device's BARs are not among them). */
    public List<Range> rangesOf(String owner) {
        return ranges.values().stream().filter(r -> r.owner.equals(owner)).toList();
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
        if (isFenced(r.owner)) {
            return allOnes(size);
        }
        try {
            return r.handler.read(address - r.base, size) & allOnes(size);
        } catch (RuntimeException | LinkageError e) {
            deviceFailed(r, address, size, "read", e);
            return allOnes(size);
        }
    }

    public void write(long address, int size, long value) {
        Range r = find(address);
        if (r == null) {
            noteUnclaimed(address, size, "write");
            return;
        }
        if (isFenced(r.owner)) {
            return;
        }
        try {
            r.handler.write(address - r.base, size, value & allOnes(size));
        } catch (RuntimeException | LinkageError e) {
            deviceFailed(r, address, size, "write", e);
        }
    }

    /**
     * A device bug must not take the vCPU down: the device is fenced off and that is logged once, with the
     * exception; one of the machine's own ranges only loses the access (logged once per owner).
     */
    private void deviceFailed(Range r, long address, int size, String what, Throwable e) {
        String device = device(r.owner);
        if (r.shared) {
            if (failingOwners.putIfAbsent(r.owner, Boolean.TRUE) == null) {
                LOG.error("{} failed on a guest {} {} of {} byte(s) at 0x{}; the access was dropped", r.owner, kind,
                        what, size, Long.toHexString(address), e);
            }
            return;
        }
        if (fence(device)) {
            LOG.error("device {} failed on a guest {} {} of {} byte(s) at 0x{} ({}); the device is fenced off: its {} "
                    + "ranges read all ones and ignore writes until it is unplugged", device, kind, what, size,
                    Long.toHexString(address), e.toString(), kind, e);
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
