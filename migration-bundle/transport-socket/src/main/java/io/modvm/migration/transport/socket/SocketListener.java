package io.modvm.migration.transport.socket;

import io.modvm.api.migration.MigrationChannel;
import io.modvm.api.migration.MigrationException;
import io.modvm.api.migration.MigrationListener;
import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** A bound listening socket; the first source to connect gets the stream, and the socket closes then. */
final class SocketListener implements MigrationListener {
    private final ServerSocketChannel server;
    private final String description;

    SocketListener(ServerSocketChannel server, String description) {
        this.server = server;
        this.description = description;
    }

    @Override
    public MigrationChannel accept() throws MigrationException {
        try {
            SocketChannel peer = server.accept();
            close();
            return new SocketChannelStreams(peer, description);
        } catch (IOException e) {
            throw new MigrationException(description + ": stopped waiting for the source ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")", e);
        }
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing a listening socket has nothing to report
        }
    }
}
