package io.modvm.virtio.queue;

import io.modvm.api.memory.GuestMemory;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The driver side of a split virtqueue, modelled on Linux's drivers/virtio/virtio_ring.c: rings laid out as
 * vring_init does (descriptor table, then the available ring, then the used ring at the next 4 KiB boundary), a
 * free list of descriptors, buffers added as chains or as one indirect table, kick and interrupt suppression as
 * virtqueue_kick_prepare and virtqueue_get_buf do. Raw writers let a test lay out what no sane driver would.
 */
public final class TestDriver {
    public static final int PAGE = 4096;

    /** One buffer as the driver hands it over. */
    public record Buf(long address, int length) {
    }

    /** One used-ring element as the driver reads it back. */
    public record Used(int head, long length) {
    }

    private final GuestMemory memory;
    private final int size;
    private final long desc;
    private final long avail;
    private final long used;
    private final boolean eventIdx;
    private final boolean indirect;
    private final long indirectArea;

    /** Shadow of each free descriptor's next, as Linux's desc_extra keeps it (the guest table may be scribbled). */
    private final int[] freeNext;
    /** The descriptors each outstanding head holds, to free them when the head comes back. */
    private final List<List<Integer>> held;
    private int freeHead;
    private int numFree;
    private int availIdxShadow;
    private int numAdded;
    private int lastUsed;
    private boolean callbacksDisabled;

    /**
     * Lays out a queue of {@code size} at {@code base}; indirect tables for head h go to {@code indirectArea + h *
     * size * 16}. Both ring indexes start at {@code startIndex}, which lets tests begin just short of a 16-bit wrap.
     */
    public TestDriver(GuestMemory memory, long base, int size, boolean eventIdx, boolean indirect, long indirectArea,
            int startIndex) {
        this.memory = memory;
        this.size = size;
        this.desc = base;
        this.avail = base + 16L * size;
        this.used = alignUp(avail + 2L * (3 + size), PAGE);
        this.eventIdx = eventIdx;
        this.indirect = indirect;
        this.indirectArea = indirectArea;
        this.freeNext = new int[size];
        this.held = new ArrayList<>();
        memory.fill(desc, used + 6 + 8L * size - desc, (byte) 0);
        for (int i = 0; i < size; i++) {
            freeNext[i] = i + 1;
            held.add(null);
        }
        numFree = size;
        availIdxShadow = startIndex & 0xFFFF;
        lastUsed = startIndex & 0xFFFF;
        memory.writeShort(avail + 2, (short) availIdxShadow);
        memory.writeShort(used + 2, (short) lastUsed);
        if (eventIdx) {
            memory.writeShort(usedEventAddress(), (short) lastUsed);
        }
    }

    public TestDriver(GuestMemory memory, long base, int size, boolean eventIdx, boolean indirect, long indirectArea) {
        this(memory, base, size, eventIdx, indirect, indirectArea, 0);
    }

    public static long alignUp(long value, long align) {
        return (value + align - 1) & -align;
    }

    public QueueConfig config() {
        return new QueueConfig(size, desc, avail, used, eventIdx, indirect);
    }

    public long descTable() {
        return desc;
    }

    public long availRing() {
        return avail;
    }

    public long usedRing() {
        return used;
    }

    public int numFree() {
        return numFree;
    }

    public long indirectTable(int head) {
        return indirectArea + (long) head * size * 16;
    }

    // ---- adding buffers, as virtqueue_add_split ----

    /** Adds a request of device-readable {@code out} and device-writable {@code in} buffers as a direct chain. */
    public int add(List<Buf> out, List<Buf> in) {
        int n = out.size() + in.size();
        if (n == 0 || n > numFree) {
            throw new IllegalStateException("cannot add " + n + " descriptors, " + numFree + " free");
        }
        int head = freeHead;
        List<Integer> chain = new ArrayList<>();
        int i = head;
        int k = 0;
        for (Buf b : concat(out, in)) {
            boolean last = ++k == n;
            int flags = (k > out.size() ? SplitRing.DESC_F_WRITE : 0) | (last ? 0 : SplitRing.DESC_F_NEXT);
            int next = freeNext[i];
            writeDescriptor(i, b.address(), b.length(), flags, last ? 0 : next);
            chain.add(i);
            i = next;
        }
        freeHead = i;
        numFree -= n;
        held.set(head, chain);
        publish(head);
        return head;
    }

    /** Adds a request as one descriptor pointing at an indirect table, as Linux does for multi-buffer requests. */
    public int addIndirect(List<Buf> out, List<Buf> in) {
        int n = out.size() + in.size();
        if (numFree == 0) {
            throw new IllegalStateException("no free descriptor");
        }
        int head = freeHead;
        long table = indirectTable(head);
        int k = 0;
        for (Buf b : concat(out, in)) {
            boolean last = k + 1 == n;
            int flags = (k >= out.size() ? SplitRing.DESC_F_WRITE : 0) | (last ? 0 : SplitRing.DESC_F_NEXT);
            writeDescriptorAt(table, k, b.address(), b.length(), flags, last ? 0 : k + 1);
            k++;
        }
        writeDescriptor(head, table, 16 * n, SplitRing.DESC_F_INDIRECT, 0);
        freeHead = freeNext[head];
        numFree--;
        held.set(head, List.of(head));
        publish(head);
        return head;
    }

    private static List<Buf> concat(List<Buf> a, List<Buf> b) {
        List<Buf> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** Puts {@code head} on the available ring and publishes the new index, with the write barrier first. */
    public void publish(int head) {
        memory.writeShort(avail + 4 + 2L * (availIdxShadow & (size - 1)), (short) head);
        VarHandle.releaseFence();
        availIdxShadow = (availIdxShadow + 1) & 0xFFFF;
        memory.writeShort(avail + 2, (short) availIdxShadow);
        numAdded++;
    }

    /** As virtqueue_kick_prepare_split: whether the device asked to be kicked for what was added since last time. */
    public boolean kickPrepare() {
        VarHandle.fullFence();
        int newIdx = availIdxShadow;
        int oldIdx = (availIdxShadow - numAdded) & 0xFFFF;
        numAdded = 0;
        if (eventIdx) {
            int availEvent = Short.toUnsignedInt(memory.readShort(used + 4 + 8L * size));
            return SplitRing.needEvent(availEvent, newIdx, oldIdx);
        }
        return (memory.readShort(used) & SplitRing.USED_F_NO_NOTIFY) == 0;
    }

    // ---- taking used buffers back, as virtqueue_get_buf_ctx_split ----

    public Optional<Used> getBuf() {
        int usedIdx = Short.toUnsignedInt(memory.readShort(used + 2));
        if (usedIdx == lastUsed) {
            return Optional.empty();
        }
        VarHandle.acquireFence();
        long element = used + 4 + 8L * (lastUsed & (size - 1));
        int head = memory.readInt(element);
        long length = Integer.toUnsignedLong(memory.readInt(element + 4));
        List<Integer> chain = held.get(head);
        if (chain == null) {
            throw new AssertionError("device returned head " + head + " which the driver does not hold");
        }
        held.set(head, null);
        freeNext[chain.get(chain.size() - 1)] = freeHead;
        freeHead = head;
        numFree += chain.size();
        lastUsed = (lastUsed + 1) & 0xFFFF;
        if (eventIdx && !callbacksDisabled) {
            memory.writeShort(usedEventAddress(), (short) lastUsed);
            VarHandle.fullFence();
        }
        return Optional.of(new Used(head, length));
    }

    /** As virtqueue_disable_cb: NO_INTERRUPT without EVENT_IDX; with it, Linux just stops moving used_event. */
    public void disableCallbacks() {
        callbacksDisabled = true;
        if (!eventIdx) {
            memory.writeShort(avail, (short) SplitRing.AVAIL_F_NO_INTERRUPT);
        }
    }

    /** As virtqueue_enable_cb: returns true if used buffers arrived while callbacks were off. */
    public boolean enableCallbacks() {
        callbacksDisabled = false;
        memory.writeShort(avail, (short) 0);
        if (eventIdx) {
            memory.writeShort(usedEventAddress(), (short) lastUsed);
        }
        VarHandle.fullFence();
        return Short.toUnsignedInt(memory.readShort(used + 2)) != lastUsed;
    }

    // ---- raw access for malformed layouts ----

    public long usedEventAddress() {
        return avail + 4 + 2L * size;
    }

    public long availEventAddress() {
        return used + 4 + 8L * size;
    }

    public void writeDescriptor(int index, long address, long length, int flags, int next) {
        writeDescriptorAt(desc, index, address, length, flags, next);
    }

    public void writeDescriptorAt(long table, int index, long address, long length, int flags, int next) {
        long at = table + 16L * index;
        memory.writeLong(at, address);
        memory.writeInt(at + 8, (int) length);
        memory.writeShort(at + 12, (short) flags);
        memory.writeShort(at + 14, (short) next);
    }

    /** Publishes a raw head index the test built by hand, outside the free-list bookkeeping. */
    public void publishRaw(int head) {
        publish(head);
    }

    public void setAvailIdx(int idx) {
        memory.writeShort(avail + 2, (short) idx);
    }

    public void setAvailFlags(int flags) {
        memory.writeShort(avail, (short) flags);
    }

    public void setUsedEvent(int idx) {
        memory.writeShort(usedEventAddress(), (short) idx);
    }

    public int availEvent() {
        return Short.toUnsignedInt(memory.readShort(availEventAddress()));
    }

    public int usedFlags() {
        return Short.toUnsignedInt(memory.readShort(used));
    }

    public int usedIdx() {
        return Short.toUnsignedInt(memory.readShort(used + 2));
    }

    /** The length in used-ring element {@code index} (a free-running ring index), read without taking it back. */
    public long usedLength(int index) {
        return Integer.toUnsignedLong(memory.readInt(used + 4 + 8L * (index & (size - 1)) + 4));
    }
}
