package io.modvm.api.migration;

import java.nio.ByteBuffer;

/** A block of guest RAM as a migration moves it: a name both sides agree on, a size, and its bytes. */
public interface RamBlock {
    /** The block's name, as QEMU names it ({@code pc.ram}). */
    String name();

    /** The size in bytes, a multiple of the page size. */
    long size();

    /**
     * A view of {@code [offset, offset + length)} of the block, for reading on the source and writing on the
     * destination; valid while the machine's current run lasts. Throws IndexOutOfBoundsException outside the block.
     */
    ByteBuffer view(long offset, int length);

    /**
     * Makes {@code [offset, offset + length)} read as zeroes, giving the host memory back where it can (a
     * destination receives a zero page as a marker). Throws IndexOutOfBoundsException outside the block.
     */
    void zero(long offset, long length);

    /** The memfd holding the block, for a hand-over to another process on this host; -1 if there is none. */
    int fd();
}
