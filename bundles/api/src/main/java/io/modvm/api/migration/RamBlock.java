package io.modvm.api.migration;

/** A block of guest RAM as a migration moves it: a name both sides agree on, a size, and its bytes. */
public interface RamBlock {
    /** The block's name, as QEMU names it ({@code pc.ram}). */
    String name();

    /** The size in bytes, a multiple of the page size. */
    long size();

    /**
     * Copies {@code [offset, offset + length)} of the block into {@code destination} at {@code at}. Like every
     * access here it holds the RAM mapped meanwhile, and fails with IllegalStateException once the machine's run
     * has ended (its RAM is gone) and IndexOutOfBoundsException outside the block.
     */
    void read(long offset, byte[] destination, int at, int length);

    /** Copies {@code length} bytes of {@code source} from {@code at} into the block at {@code offset}. */
    void write(long offset, byte[] source, int at, int length);

    /** True if every byte of {@code [offset, offset + length)} is zero, read in place without a copy. */
    boolean isZero(long offset, int length);

    /**
     * The first offset at or after {@code offset} that may hold data, or {@link #size()}: the range before it reads
     * as zero without having been written, and reading it would only make the host back it with memory. The
     * default cannot tell and answers {@code offset}.
     *
     * @since 1.2
     */
    default long dataFrom(long offset) {
        return offset;
    }

    /**
     * The end of the data that starts at {@code offset}: the first offset after it that reads as zero without
     * having been written, or {@link #size()}. The default answers {@link #size()}.
     *
     * @since 1.2
     */
    default long dataUntil(long offset) {
        return size();
    }

    /**
     * Makes {@code [offset, offset + length)} read as zeroes, giving the host memory back where it can (a
     * destination receives a zero page as a marker). Throws IndexOutOfBoundsException outside the block.
     */
    void zero(long offset, long length);

    /** The memfd holding the block, for a hand-over to another process on this host; -1 if there is none. */
    int fd();

    /**
     * Takes over the memory of {@code fd}, the same block's memfd handed over by the source on this host, in place
     * of the block's own memory, which is freed. Takes ownership of {@code fd}, closing it on failure too.
     *
     * @throws MigrationException if the block cannot take it (another size, a memory without a memfd)
     * @since 1.1
     */
    default void adopt(int fd) throws MigrationException {
        throw new MigrationException("RAM block " + name() + " cannot take over memory from another process");
    }
}
