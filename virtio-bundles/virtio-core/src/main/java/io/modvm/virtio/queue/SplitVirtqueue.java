package io.modvm.virtio.queue;

import static io.modvm.virtio.queue.SplitRing.AVAIL_ALIGN;
import static io.modvm.virtio.queue.SplitRing.AVAIL_FLAGS;
import static io.modvm.virtio.queue.SplitRing.AVAIL_F_NO_INTERRUPT;
import static io.modvm.virtio.queue.SplitRing.AVAIL_IDX;
import static io.modvm.virtio.queue.SplitRing.AVAIL_RING;
import static io.modvm.virtio.queue.SplitRing.DESC_ALIGN;
import static io.modvm.virtio.queue.SplitRing.USED_ALIGN;
import static io.modvm.virtio.queue.SplitRing.USED_ELEM_SIZE;
import static io.modvm.virtio.queue.SplitRing.USED_FLAGS;
import static io.modvm.virtio.queue.SplitRing.USED_F_NO_NOTIFY;
import static io.modvm.virtio.queue.SplitRing.USED_IDX;
import static io.modvm.virtio.queue.SplitRing.USED_RING;

import io.modvm.api.memory.GuestMemory;
import io.modvm.api.memory.GuestMemoryException;
import java.lang.invoke.VarHandle;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device side of one split virtqueue (virtio 1.2, 2.7). It takes chains from the available ring, returns them
 * on the used ring, and decides when the driver wants an interrupt.
 *
 * <p>The guest owns the rings and may write anything into them at any time, so every index, pointer, length and
 * address read from them is checked before use, and the ring areas are checked against RAM once, at {@link
 * #create}, which also takes the views of guest RAM through which the queue reads and writes them for its whole life
 * (see {@code RingArea} for why they stay valid). Guest mistakes are reported as {@link VirtqueueException}; see {@link VirtqueueError.Scope} for what
 * each leaves usable. {@link IllegalArgumentException} and {@link IllegalStateException} only ever mean a bug in
 * the device using this class, never guest input.
 *
 * <p>Not thread-safe: one device thread at a time drives a queue (its event loop), which is how virtio devices
 * serialise a queue anyway. The device-owned indexes live here, not in guest memory, so the guest cannot rewind
 * them.
 */
public final class SplitVirtqueue {
    private static final Logger LOG = LoggerFactory.getLogger(SplitVirtqueue.class);

    private final QueueConfig config;
    /** The rings, as views made once here: their areas were checked against RAM at {@link #create}. */
    private final RingArea avail;
    private final RingArea used;
    private final int size;
    private final int mask;
    private final ChainParser parser;

    /** Free-running 16-bit index of the next available-ring entry to consume (last_avail_idx). */
    private int nextAvail;
    /** Free-running 16-bit index of the next used-ring element to write; also the value of used->idx. */
    private int nextUsed;
    /** Chains consumed but not yet pushed; pushing more than this would overwrite elements the driver owns. */
    private int inFlight;
    /** used->idx at the last {@link #needsNotification()}; only meaningful when {@link #checkedValid}. */
    private int checkedUsed;
    private boolean checkedValid;
    /** nextAvail when avail_event was last published by {@link #pop()}; -1 before the first time. */
    private int armedAt = -1;
    private final GuestMemory memory;
    /** The error that broke the queue, or null. */
    private VirtqueueException broken;

    private SplitVirtqueue(GuestMemory memory, QueueConfig config) {
        this.memory = memory;
        this.config = config;
        this.size = config.size();
        this.mask = size - 1;
        this.avail = RingArea.of(memory, config.availRing(), SplitRing.availRingBytes(size, config.eventIdx()));
        this.used = RingArea.of(memory, config.usedRing(), SplitRing.usedRingBytes(size, config.eventIdx()));
        this.parser = new ChainParser(memory, RingArea.of(memory, config.descTable(), SplitRing.descTableBytes(size)),
                size, config.indirectDesc());
        // A fresh queue has signalled nothing and owes nothing: until something is pushed, no interrupt is due.
        this.checkedValid = true;
    }

    /**
     * Validates the driver's configuration and builds the queue, with its indexes at 0 as after a reset.
     *
     * @throws VirtqueueException with a {@link VirtqueueError.Scope#CONFIG} error if the size is not a power of 2 up
     *     to 32768, a ring area is misaligned, or a ring area is not entirely in RAM
     */
    public static SplitVirtqueue create(GuestMemory memory, QueueConfig config) throws VirtqueueException {
        int size = config.size();
        if (size <= 0 || size > SplitRing.MAX_SIZE || Integer.bitCount(size) != 1) {
            throw new VirtqueueException(VirtqueueError.BAD_QUEUE_SIZE, "size " + size);
        }
        checkArea(memory, "descriptor table", config.descTable(), DESC_ALIGN, SplitRing.descTableBytes(size));
        checkArea(memory, "available ring", config.availRing(), AVAIL_ALIGN,
                SplitRing.availRingBytes(size, config.eventIdx()));
        checkArea(memory, "used ring", config.usedRing(), USED_ALIGN,
                SplitRing.usedRingBytes(size, config.eventIdx()));
        return new SplitVirtqueue(memory, config);
    }

    private static void checkArea(GuestMemory memory, String name, long address, int align, long length)
            throws VirtqueueException {
        if ((address & (align - 1)) != 0) {
            throw new VirtqueueException(VirtqueueError.RING_MISALIGNED, String.format("%s at 0x%x", name, address));
        }
        if (!memory.isRam(address, length)) {
            throw new VirtqueueException(VirtqueueError.RING_OUTSIDE_RAM,
                    String.format("%s at 0x%x, %d bytes", name, address, length));
        }
    }

    public QueueConfig config() {
        return config;
    }

    public int size() {
        return size;
    }

    /** The device's available index (last_avail_idx), for saving queue state. */
    public int nextAvailIndex() {
        return nextAvail;
    }

    /** The device's used index, for saving queue state. */
    public int nextUsedIndex() {
        return nextUsed;
    }

    /**
     * Forgets all device-side state: both indexes back to 0, nothing in flight, no notification history, and a
     * broken queue usable again. Guest memory is not touched; the driver re-initialises its rings itself.
     */
    public void reset() {
        restore(0, 0);
        checkedValid = true;
    }

    /**
     * Sets the device-side indexes, as a restored snapshot or migration needs; every chain up to {@code nextAvail}
     * counts as completed. Values are 16-bit ring indexes.
     */
    public void restore(int nextAvail, int nextUsed) {
        restore(nextAvail, nextUsed, 0);
    }

    /**
     * Sets the device-side indexes and the number of chains the device had taken and not yet returned, as saved
     * by {@link #nextAvailIndex()}, {@link #nextUsedIndex()} and {@link #inFlight()}: a device that held chains (the
     * balloon's statistics buffer) may push that many, and gets them back with {@link #chain(int)}. The queue owes
     * the driver an interrupt check, as nothing says whether the last push was signalled.
     *
     * @throws IllegalArgumentException if an index is not 16-bit, or {@code inFlight} is negative, larger than the
     *     queue, or larger than the chains taken and not returned ({@code nextAvail - nextUsed}, modulo 2^16)
     * @since 1.1
     */
    public void restore(int nextAvail, int nextUsed, int inFlight) {
        restore(nextAvail, nextUsed, inFlight, true);
    }

    /**
     * As {@link #restore(int, int, int)}, with what {@link #notificationPending()} said when the state was saved:
     * false means the driver was told of every used element, so the next {@link #needsNotification()} judges only
     * what is pushed from now on, and a hand-over raises no interrupt of its own.
     *
     * @throws IllegalArgumentException if an index is not 16-bit, or {@code inFlight} is negative, larger than the
     *     queue, or larger than the chains taken and not returned ({@code nextAvail - nextUsed}, modulo 2^16)
     * @since 1.1
     */
    public void restore(int nextAvail, int nextUsed, int inFlight, boolean notificationPending) {
        if ((nextAvail & ~0xFFFF) != 0 || (nextUsed & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("ring indexes are 16-bit: " + nextAvail + ", " + nextUsed);
        }
        int outstanding = (nextAvail - nextUsed) & 0xFFFF;
        if (inFlight < 0 || inFlight > size || inFlight > outstanding) {
            throw new IllegalArgumentException("in flight " + inFlight + " in a queue of " + size + " with "
                    + outstanding + " chains taken and not returned");
        }
        this.nextAvail = nextAvail;
        this.nextUsed = nextUsed;
        this.inFlight = inFlight;
        this.armedAt = -1;
        this.checkedUsed = nextUsed;
        this.checkedValid = !notificationPending;
        this.broken = null;
    }

    /**
     * Whether chains were pushed since the last {@link #needsNotification()} (or the queue was restored without
     * knowing), so the driver may be owed an interrupt; for saving queue state.
     *
     * @since 1.1
     */
    public boolean notificationPending() {
        return !checkedValid || checkedUsed != nextUsed;
    }

    /**
     * Chains taken by {@link #pop()} and not yet pushed, for saving queue state.
     *
     * @since 1.1
     */
    public int inFlight() {
        return inFlight;
    }

    /**
     * Reads again the chain starting at descriptor {@code head}, which the device took before a {@link
     * #restore(int, int, int)} and still holds: a restored device gets its held chains back this way. The guest
     * must not change an in-flight chain's descriptors, but it can, so the chain is checked as at {@link #pop()}.
     *
     * @throws IllegalArgumentException if {@code head} is not a descriptor index
     * @throws IllegalStateException if no chain is in flight
     * @throws VirtqueueException if the chain is malformed ({@link VirtqueueError.Scope#CHAIN}) or the queue broken
     * @since 1.1
     */
    public DescriptorChain chain(int head) throws VirtqueueException {
        if (head < 0 || head >= size) {
            throw new IllegalArgumentException("head " + head + " outside a queue of " + size);
        }
        checkNotBroken();
        if (inFlight == 0) {
            throw new IllegalStateException("chain " + head + " asked for with no chain in flight");
        }
        return parser.parse(head);
    }

    /**
     * Takes the next available chain, or returns empty if the driver has made none available.
     *
     * @throws VirtqueueException if the chain or the ring is malformed. For a {@link VirtqueueError.Scope#CHAIN}
     *     error the entry was consumed and {@link VirtqueueException#head()} must still be pushed (typically with 0
     *     bytes); for a {@link VirtqueueError.Scope#QUEUE} error the queue is broken until {@link #reset()}.
     */
    public Optional<DescriptorChain> pop() throws VirtqueueException {
        checkNotBroken();
        int head;
        try {
            int availIdx = Short.toUnsignedInt(avail.getShort(AVAIL_IDX));
            // The driver writes ring entries and descriptors before it publishes idx; read them only after it.
            VarHandle.acquireFence();
            int pending = (availIdx - nextAvail) & 0xFFFF;
            if (pending == 0 && config.eventIdx() && armedAt != nextAvail) {
                // Found empty: ask for a kick at the next entry (avail_event), then look once more, since the driver
                // may have published one before it could see the request. A device that drains until empty thus
                // never sleeps through a buffer.
                used.putShort(SplitRing.availEventOffset(size), (short) nextAvail);
                armedAt = nextAvail;
                VarHandle.fullFence();
                availIdx = Short.toUnsignedInt(avail.getShort(AVAIL_IDX));
                VarHandle.acquireFence();
                pending = (availIdx - nextAvail) & 0xFFFF;
            }
            if (pending == 0) {
                return Optional.empty();
            }
            if (pending > size) {
                // A driver can have at most size chains outstanding; anything more is corruption, and there is no
                // telling which entries are real.
                throw breakQueue(VirtqueueError.AVAIL_INDEX_JUMP,
                        "avail idx " + availIdx + ", device at " + nextAvail);
            }
            head = Short.toUnsignedInt(avail.getShort(AVAIL_RING + 2 * (nextAvail & mask)));
        } catch (GuestMemoryException e) {
            throw breakQueue(VirtqueueError.RING_FAULT, e.getMessage());
        }
        if (head >= size) {
            // The head cannot be pushed back, so the driver would wait for it forever: report the queue broken.
            throw breakQueue(VirtqueueError.HEAD_OUT_OF_RANGE, "head " + head + " at avail entry " + nextAvail);
        }
        // Consume the entry before parsing, so that a malformed chain is skipped and the device can fail it.
        nextAvail = (nextAvail + 1) & 0xFFFF;
        inFlight++;
        try {
            return Optional.of(parser.parse(head));
        } catch (VirtqueueException e) {
            LOG.debug("virtqueue: {}", e.getMessage());
            throw e;
        }
    }

    /**
     * Returns a chain to the driver with the number of bytes the device wrote into its writable buffers. Only
     * {@link #push(DescriptorChain, long)} reports those bytes to the memory as written; this form is for a chain
     * the device wrote nothing into, or wrote through the memory's own write methods.
     *
     * @throws IllegalArgumentException if {@code head} is not a descriptor index or {@code bytesWritten} is not a
     *     32-bit unsigned value
     * @throws IllegalStateException if no chain is in flight, i.e. the device pushes more than it popped
     * @throws VirtqueueException if the queue is broken
     */
    public void push(int head, long bytesWritten) throws VirtqueueException {
        if (head < 0 || head >= size) {
            throw new IllegalArgumentException("head " + head + " outside a queue of " + size);
        }
        if (bytesWritten < 0 || bytesWritten > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("bytes written " + bytesWritten + " is not a 32-bit length");
        }
        checkNotBroken();
        if (inFlight == 0) {
            throw new IllegalStateException("push of head " + head + " with no chain in flight");
        }
        int element = USED_RING + USED_ELEM_SIZE * (nextUsed & mask);
        try {
            used.putInt(element, head);
            used.putInt(element + 4, (int) bytesWritten);
            // The driver may read the element as soon as it sees the new idx: the element must be visible first.
            VarHandle.releaseFence();
            nextUsed = (nextUsed + 1) & 0xFFFF;
            inFlight--;
            used.putShort(USED_IDX, (short) nextUsed);
        } catch (GuestMemoryException e) {
            throw breakQueue(VirtqueueError.RING_FAULT, e.getMessage());
        }
    }

    /**
     * Like {@link #push(int, long)}, and also refuses to report more bytes than the chain can hold, which would make
     * the driver read past its buffers.
     */
    public void push(DescriptorChain chain, long bytesWritten) throws VirtqueueException {
        if (bytesWritten > chain.writableLength()) {
            throw new IllegalArgumentException(
                    "bytes written " + bytesWritten + " exceed the chain's " + chain.writableLength());
        }
        reportWritten(chain, bytesWritten);
        push(chain.head(), bytesWritten);
    }

    /**
     * Tells the memory which bytes of the chain the device wrote: it may have written them through views it took
     * when it popped the chain, perhaps before a migration began to track device writes (a receive buffer held
     * for the next frame), and that migration must send them again.
     */
    private void reportWritten(DescriptorChain chain, long bytesWritten) {
        long left = bytesWritten;
        for (Segment s : chain.writable()) {
            if (left <= 0) {
                break;
            }
            long n = Math.min(left, s.length());
            memory.written(s.address(), n);
            left -= n;
        }
    }

    /**
     * Whether the driver wants an interrupt for the chains pushed since the previous call; call it once after a
     * batch of pushes. With VIRTIO_F_EVENT_IDX it applies vring_need_event to the driver's used_event; otherwise it
     * honours VIRTQ_AVAIL_F_NO_INTERRUPT. Nothing pushed since the previous call means no interrupt.
     */
    public boolean needsNotification() throws VirtqueueException {
        checkNotBroken();
        // Our used idx store must be ordered before the load of the driver's flags or used_event (a store-load
        // pair, so only a full fence does); otherwise both sides can miss each other's update.
        VarHandle.fullFence();
        int old = checkedUsed;
        boolean valid = checkedValid;
        checkedUsed = nextUsed;
        checkedValid = true;
        if (valid && old == nextUsed) {
            return false;
        }
        try {
            if (config.eventIdx()) {
                int usedEvent = Short.toUnsignedInt(
                        avail.getShort(SplitRing.usedEventOffset(size)));
                return !valid || SplitRing.needEvent(usedEvent, nextUsed, old);
            }
            int flags = Short.toUnsignedInt(avail.getShort(AVAIL_FLAGS));
            return (flags & AVAIL_F_NO_INTERRUPT) == 0;
        } catch (GuestMemoryException e) {
            throw breakQueue(VirtqueueError.RING_FAULT, e.getMessage());
        }
    }

    /**
     * Asks the driver not to notify (kick) the device for new buffers, while the device is polling the queue anyway.
     * Without EVENT_IDX this sets VIRTQ_USED_F_NO_NOTIFY. With EVENT_IDX it writes nothing: avail_event stays where
     * it was, so the driver kicks at most once more, which is what the spec allows for a hint.
     */
    public void disableNotifications() throws VirtqueueException {
        checkNotBroken();
        if (!config.eventIdx()) {
            writeUsedFlags(USED_F_NO_NOTIFY);
        }
    }

    /**
     * Asks the driver to notify the device for the next buffer it makes available (VIRTQ_USED_F_NO_NOTIFY cleared,
     * or avail_event set to the next entry to consume). Returns true if buffers became available meanwhile: a
     * driver that added them before seeing this request did not kick, so the device must pop again instead of
     * sleeping.
     */
    public boolean enableNotifications() throws VirtqueueException {
        checkNotBroken();
        try {
            if (config.eventIdx()) {
                used.putShort(SplitRing.availEventOffset(size), (short) nextAvail);
            } else {
                used.putShort(USED_FLAGS, (short) 0);
            }
            // Store (flag or avail_event) then load (avail idx): the full fence closes the race with a driver that
            // publishes a buffer and then reads our flag.
            VarHandle.fullFence();
            return Short.toUnsignedInt(avail.getShort(AVAIL_IDX)) != nextAvail;
        } catch (GuestMemoryException e) {
            throw breakQueue(VirtqueueError.RING_FAULT, e.getMessage());
        }
    }

    private void writeUsedFlags(int flags) throws VirtqueueException {
        try {
            used.putShort(USED_FLAGS, (short) flags);
        } catch (GuestMemoryException e) {
            throw breakQueue(VirtqueueError.RING_FAULT, e.getMessage());
        }
    }

    private void checkNotBroken() throws VirtqueueException {
        if (broken != null) {
            throw new VirtqueueException(VirtqueueError.QUEUE_BROKEN, broken.getMessage());
        }
    }

    private VirtqueueException breakQueue(VirtqueueError error, String detail) {
        broken = new VirtqueueException(error, detail);
        // Logged once per breakage: a broken queue refuses work until reset, so this cannot flood.
        LOG.warn("virtqueue of size {} broken: {}", size, broken.getMessage());
        return broken;
    }
}
