package io.modvm.virtio.queue;

import io.modvm.api.memory.GuestMemory;
import io.modvm.api.memory.GuestMemoryException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One ring area (descriptor table, available or used ring) of a queue, read and written by offset. The area was
 * checked against RAM when the queue was set up, so it keeps a view of it in guest RAM and each read is a plain
 * buffer access, not an address look-up in guest memory: the per-frame cost of a busy queue is mostly these reads.
 * Writes (the used ring's, few per chain) go through {@link GuestMemory}, where a running migration sees them.
 *
 * <p>The view lives as long as the queue, which {@link GuestMemory#view} allows because a queue is only driven on
 * its device's threads, which the machine stops (device reset or close) before it unmaps RAM; a balloon's discard
 * keeps the mapping. Where the memory gives no view of the area (it crosses host mappings), or for a table used for
 * one chain only (an indirect table), each access goes through {@link GuestMemory} as before.
 *
 * <p>Callers pass offsets they derived from checked indexes (masked ring indexes, descriptor indexes below the
 * table's size), so an offset outside the area is a bug in this package; the view refuses it with an {@link
 * IndexOutOfBoundsException} and never reaches memory outside the area.
 */
final class RingArea {
    private final ByteBuffer view;
    private final GuestMemory memory;
    private final long address;

    private RingArea(ByteBuffer view, GuestMemory memory, long address) {
        this.view = view;
        this.memory = memory;
        this.address = address;
    }

    /**
     * The area of {@code length} bytes at {@code address}, which the caller has checked to be RAM, through a view
     * when the memory gives one.
     */
    static RingArea of(GuestMemory memory, long address, long length) {
        try {
            ByteBuffer view = memory.view(address, Math.toIntExact(length)).order(ByteOrder.LITTLE_ENDIAN);
            return new RingArea(view, memory, address);
        } catch (GuestMemoryException e) {
            // RAM that crosses host mappings has no single view; it is still RAM, so every access checks it instead.
            return direct(memory, address);
        }
    }

    /** The area at {@code address} read through {@code memory} on every access, each access checked there. */
    static RingArea direct(GuestMemory memory, long address) {
        return new RingArea(null, memory, address);
    }

    short getShort(int offset) {
        return view != null ? view.getShort(offset) : memory.readShort(address + offset);
    }

    int getInt(int offset) {
        return view != null ? view.getInt(offset) : memory.readInt(address + offset);
    }

    long getLong(int offset) {
        return view != null ? view.getLong(offset) : memory.readLong(address + offset);
    }

    /*
     * Writes go through the memory, not the view: the machine notes the pages its devices write while a migration
     * runs, and it sees a write through a view only when the view is taken, which for a ring was at queue set-up,
     * usually long before. A used-ring entry written through the old view would reach the destination stale (its
     * page is written by no vCPU), and the driver there would wait for a request the source already completed.
     */
    void putShort(int offset, short value) {
        memory.writeShort(address + offset, value);
    }

    void putInt(int offset, int value) {
        memory.writeInt(address + offset, value);
    }
}
