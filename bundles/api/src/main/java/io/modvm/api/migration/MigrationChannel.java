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
     * Whether the carrier passes file descriptors beside the bytes (a unix socket), which a local migration needs
     * to hand guest RAM over instead of copying it.
     *
     * @since 1.1
     */
    default boolean passesDescriptors() {
        return false;
    }

    /**
     * Writes {@code data} to the stream with {@code fds} riding on it (the caller flushed what it buffered before):
     * the other side finds them in {@link #takeDescriptors} once it has read these bytes. The descriptors stay the
     * caller's.
     *
     * @throws java.io.IOException if the carrier cannot pass descriptors, or the write fails
     * @since 1.1
     */
    default void writeWithDescriptors(byte[] data, int[] fds) throws java.io.IOException {
        throw new java.io.IOException(describe() + " cannot pass file descriptors");
    }

    /**
     * The destination's side: the next {@code count} descriptors that arrived with bytes already read from
     * {@link #input()}, oldest first; the caller owns them.
     *
     * @throws java.io.IOException if fewer arrived, or the carrier cannot pass descriptors
     * @since 1.1
     */
    default int[] takeDescriptors(int count) throws java.io.IOException {
        throw new java.io.IOException(describe() + " cannot pass file descriptors");
    }

    /**
     * Closes both directions; a thread blocked reading or writing returns with an exception. A carrier that runs a
     * command waits for it here and reports a failed command as an {@link java.io.IOException}.
     */
    @Override
    void close() throws java.io.IOException;
}
