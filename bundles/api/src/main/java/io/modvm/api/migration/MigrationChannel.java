package io.modvm.api.migration;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One open migration stream. The source writes to {@link #output()}; the destination reads {@link #input()}. A
 * carrier with a way back (a socket) also gives the other direction, which the two sides use to agree before RAM
 * moves and to confirm the end; a one-way carrier (a file, a command's pipe) returns null there.
 */
public interface MigrationChannel extends Closeable {
    /** The stream the source writes, or null on a destination's channel without a way back. */
    OutputStream output();

    /** The stream the destination reads, or null on a source's channel without a way back. */
    InputStream input();

    /** What the channel is connected to, for messages ({@code tcp:127.0.0.1:4444}, {@code exec:cat > f}). */
    String describe();

    /**
     * Closes both directions; a thread blocked reading or writing returns with an exception. A carrier that runs a
     * command waits for it here and reports a failed command as an {@link java.io.IOException}.
     */
    @Override
    void close() throws java.io.IOException;
}
