package io.modvm.virtio.queue;

import static io.modvm.virtio.queue.SplitRing.DESC_ADDR;
import static io.modvm.virtio.queue.SplitRing.DESC_FLAGS;
import static io.modvm.virtio.queue.SplitRing.DESC_F_INDIRECT;
import static io.modvm.virtio.queue.SplitRing.DESC_F_NEXT;
import static io.modvm.virtio.queue.SplitRing.DESC_F_WRITE;
import static io.modvm.virtio.queue.SplitRing.DESC_LEN;
import static io.modvm.virtio.queue.SplitRing.DESC_NEXT;
import static io.modvm.virtio.queue.SplitRing.DESC_SIZE;

import io.modvm.api.memory.GuestMemory;
import io.modvm.api.memory.GuestMemoryException;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks one descriptor chain (virtio 1.2, 2.7.5) into a {@link DescriptorChain}, validating every field the guest
 * wrote. Each descriptor field is read from guest memory exactly once and only that copy is used, so a guest that
 * rewrites the table while we walk it cannot make a checked value differ from a used one.
 *
 * <p>Termination: a walk visits at most as many descriptors as its table holds before it reports a loop, and it
 * enters at most one indirect table (nesting is refused, and an indirect descriptor must end the direct chain), so
 * a walk costs at most 2 x queue size descriptor reads.
 */
final class ChainParser {
    private static final long MAX_CHAIN_BYTES = 0xFFFF_FFFFL;

    private final GuestMemory memory;
    private final RingArea descTable;
    private final int size;
    private final boolean indirectNegotiated;
    /**
     * Where a walk collects its segments, reused from chain to chain: {@link DescriptorChain} copies them into lists
     * of its own, so nothing the parser hands out refers to these.
     */
    private final List<Segment> readable = new ArrayList<>();
    private final List<Segment> writable = new ArrayList<>();

    /** @param descTable the queue's descriptor table, {@code size} entries checked to be in RAM */
    ChainParser(GuestMemory memory, RingArea descTable, int size, boolean indirectNegotiated) {
        this.memory = memory;
        this.descTable = descTable;
        this.size = size;
        this.indirectNegotiated = indirectNegotiated;
    }

    /** Parses the chain starting at {@code head}, which the caller has checked to be below the queue size. */
    DescriptorChain parse(int head) throws VirtqueueException {
        try {
            return walk(head);
        } catch (GuestMemoryException e) {
            // Unreachable while every address is checked first; kept so that a missed check still fails one request
            // instead of escaping as an unchecked exception.
            throw new VirtqueueException(VirtqueueError.CHAIN_FAULT, head, e.getMessage());
        }
    }

    private DescriptorChain walk(int head) throws VirtqueueException {
        readable.clear();
        writable.clear();
        long readableLength = 0;
        long writableLength = 0;
        boolean sawWritable = false;

        RingArea table = descTable;
        int tableEntries = size;
        boolean inIndirect = false;
        int index = head;
        int visited = 0;
        while (true) {
            if (++visited > tableEntries) {
                // More steps than entries means some descriptor was visited twice.
                throw error(VirtqueueError.DESCRIPTOR_LOOP, head, "after " + tableEntries + " descriptors");
            }
            // index < tableEntries <= 32768, so the offset fits an int and lies in the table.
            int at = index * DESC_SIZE;
            long addr = table.getLong(at + DESC_ADDR);
            long len = Integer.toUnsignedLong(table.getInt(at + DESC_LEN));
            int flags = Short.toUnsignedInt(table.getShort(at + DESC_FLAGS));
            int next = Short.toUnsignedInt(table.getShort(at + DESC_NEXT));

            if ((flags & DESC_F_INDIRECT) != 0) {
                if (inIndirect) {
                    throw error(VirtqueueError.NESTED_INDIRECT, head, "descriptor " + index);
                }
                if (!indirectNegotiated) {
                    throw error(VirtqueueError.INDIRECT_NOT_NEGOTIATED, head, "descriptor " + index);
                }
                if ((flags & DESC_F_NEXT) != 0) {
                    throw error(VirtqueueError.INDIRECT_WITH_NEXT, head, "descriptor " + index);
                }
                // The spec caps a chain at the queue size; applying that to the table also bounds the walk.
                if (len == 0 || len % DESC_SIZE != 0 || len / DESC_SIZE > size) {
                    throw error(VirtqueueError.INDIRECT_TABLE_BAD_SIZE, head, "length " + len);
                }
                if (!memory.isRam(addr, len)) {
                    throw error(VirtqueueError.INDIRECT_TABLE_OUTSIDE_RAM, head,
                            String.format("0x%x, %d bytes", addr, len));
                }
                // The WRITE flag of the descriptor naming the table is ignored, as the spec requires (2.7.5.3.2).
                // Read once per chain: no view is worth taking, each access is checked by the memory.
                table = RingArea.direct(memory, addr);
                tableEntries = (int) (len / DESC_SIZE);
                inIndirect = true;
                index = 0;
                visited = 0;
                continue;
            }

            boolean write = (flags & DESC_F_WRITE) != 0;
            if (write) {
                sawWritable = true;
            } else if (sawWritable) {
                throw error(VirtqueueError.READABLE_AFTER_WRITABLE, head, "descriptor " + index);
            }
            // A zero-length buffer has no byte to access, so it becomes no segment and its address is not judged.
            if (len != 0) {
                if (!memory.isRam(addr, len)) {
                    throw error(VirtqueueError.BUFFER_OUTSIDE_RAM, head, String.format("0x%x, %d bytes", addr, len));
                }
                if (readableLength + writableLength + len > MAX_CHAIN_BYTES) {
                    throw error(VirtqueueError.CHAIN_TOO_LONG, head, "at descriptor " + index);
                }
                Segment segment = new Segment(addr, len);
                if (write) {
                    writable.add(segment);
                    writableLength += len;
                } else {
                    readable.add(segment);
                    readableLength += len;
                }
            }

            if ((flags & DESC_F_NEXT) == 0) {
                break;
            }
            if (next >= tableEntries) {
                throw error(VirtqueueError.NEXT_OUT_OF_RANGE, head,
                        "descriptor " + index + " -> " + next + " of " + tableEntries);
            }
            index = next;
        }
        if (readableLength + writableLength == 0) {
            throw error(VirtqueueError.EMPTY_CHAIN, head, "");
        }
        return new DescriptorChain(head, readable, writable, readableLength, writableLength);
    }

    private static VirtqueueException error(VirtqueueError error, int head, String detail) {
        return new VirtqueueException(error, head, "head " + head + (detail.isEmpty() ? "" : ", " + detail));
    }
}
