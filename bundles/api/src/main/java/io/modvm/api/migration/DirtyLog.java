package io.modvm.api.migration;

/**
 * The pages of guest RAM written while a migration runs: by the vCPUs (the accelerator's dirty log) and by the
 * machine's own devices. Closing it stops the logging.
 */
public interface DirtyLog extends AutoCloseable {
    /** The page size the bitmaps count in. */
    int pageSize();

    /**
     * The pages of {@code block} (an index into {@link MigratableMachine#ram()}) written since the previous call
     * for it, or since logging started; one bit per page, bit {@code i % 64} of word {@code i / 64}. Clears them.
     */
    long[] fetch(int block) throws MigrationException;

    /**
     * Every page a device of this machine wrote since logging started, whether or not it was fetched before: a
     * device may write through a view it took earlier, after its page was sent, so these are sent again once the
     * devices are quiesced.
     */
    long[] deviceWritten(int block);

    @Override
    void close();
}
