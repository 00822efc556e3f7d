package io.modvm.virtio.balloon;

import io.modvm.virtio.queue.HeapGuestMemory;
import io.modvm.virtio.testing.StrictGuestMemory;

/**
 * The guest-physical map of the balloon's tests: an 8 MiB range A from 0, a hole, and a 1 MiB range B, so that
 * runs and ranges can meet RAM's edges. Inside A: the rings, the indirect tables, request buffers, then the pages
 * the guest gives away.
 */
final class TestRam {
    static final long RAM_A = 0;
    static final int RAM_A_SIZE = 8 << 20;
    static final long RAM_B = 16 << 20;
    static final int RAM_B_SIZE = 1 << 20;
    /** Where the tests' rings go: queue i at RINGS + i * RING_STRIDE. */
    static final long RINGS = 0x1_0000;
    static final long RING_STRIDE = 0x4000;
    /** Indirect tables: queue i at INDIRECT + i * INDIRECT_STRIDE. */
    static final long INDIRECT = 0x10_0000;
    static final long INDIRECT_STRIDE = 0x4_0000;
    /** Request buffers (PFN arrays, stats) from here. */
    static final long BUFFERS = 0x20_0000;
    /** Pages the guest gives away, from here to the end of range A. */
    static final long PAGES = 0x40_0000;

    private TestRam() {
    }

    /** Fresh zeroed RAM that fails the test on any access outside it and records every discard. */
    static StrictGuestMemory create() {
        return new StrictGuestMemory(new HeapGuestMemory().add(RAM_A, RAM_A_SIZE).add(RAM_B, RAM_B_SIZE));
    }
}
