package io.modvm.core.chardev;

import io.modvm.api.backend.Backend;
import io.modvm.api.backend.UnixSocketAddress;
import java.nio.file.Path;

/**
 * {@code -chardev socket,path=P} without {@code server=on}: the address of a socket another process listens on.
 * It opens nothing itself: the backend that takes it (vhost-user, which passes descriptors over the socket) connects,
 * so the peer sees one connection, from the user of the socket. It is no byte stream, so a console refuses it.
 */
final class UnixSocketClient implements Backend, UnixSocketAddress {
    private final Path path;
    private final int reconnectSeconds;

    UnixSocketClient(Path path, int reconnectSeconds) {
        this.path = path;
        this.reconnectSeconds = reconnectSeconds;
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public int reconnectSeconds() {
        return reconnectSeconds;
    }

    @Override
    public String describe() {
        return "unix:" + path;
    }

    @Override
    public void close() {
    }
}
