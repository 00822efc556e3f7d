package io.modvm.api.migration;

import java.io.Closeable;

/** A destination waiting for its stream: a bound socket, or a command started, or a file opened. */
public interface MigrationListener extends Closeable {
    /**
     * Waits for the source and returns its stream. Blocks until a source connects or {@link #close()} is called
     * from another thread, which makes this throw.
     */
    MigrationChannel accept() throws MigrationException;

    /** Where it waits, as QEMU's {@code query-migrate} gives {@code socket-address} ({@code tcp:0.0.0.0:4444}). */
    String describe();

    /** Stops waiting; frees the port or socket file. */
    @Override
    void close();
}
