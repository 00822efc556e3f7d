package io.modvm.virtio.queue;

import io.modvm.virtio.testing.StrictGuestMemory;

/**
 * The guest-physical map the tests share: a 4 MiB range A, a hole, and a 64 KiB range B, so that buffers can sit
 * at either edge of RAM, in a hole, or straddle one. Inside A: the rings, then the indirect tables, then data.
 */
final class TestRam {
    static final long RAM_A = 0x10_0000;
    static final int RAM_A_SIZE = 4 << 20;
    static final long RAM_A_END = RAM_A + RAM_A_SIZE;
    static final long HOLE = RAM_A_END;
    static final long RAM_B = 0x100_0000;
    static final int RAM_B_SIZE = 64 << 10;
    static final long RAM_B_END = RAM_B + RAM_B_SIZE;

    static final long RINGS = RAM_A;
    static final long INDIRECT = RAM_A + 0x10_0000;
    static final long DATA = RAM_A + 0x20_0000;

    private TestRam() {
    }

    /** Fresh zeroed RAM that fails the test on any access outside it. */
    static StrictGuestMemory create() {
        return new StrictGuestMemory(new HeapGuestMemory().add(RAM_A, RAM_A_SIZE).add(RAM_B, RAM_B_SIZE));
    }
}
