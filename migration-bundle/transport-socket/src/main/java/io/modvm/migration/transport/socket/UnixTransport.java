package io.modvm.migration.transport.socket;

import io.modvm.api.migration.MigrationChannel;
import io.modvm.api.migration.MigrationException;
import io.modvm.api.migration.MigrationListener;
import io.modvm.api.migration.MigrationTransport;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.osgi.service.component.annotations.Component;

/** {@code unix:PATH}: a Unix stream socket; the destination creates the socket file and removes it when done. */
@Component(service = MigrationTransport.class, property = MigrationTransport.PROP_SCHEME + "=unix")
public final class UnixTransport implements MigrationTransport {
    @Override
    public String scheme() {
        return "unix";
    }

    @Override
    public MigrationChannel connect(String address) throws MigrationException {
        Path path = path(address);
        try {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(path));
            } catch (IOException e) {
                ch.close();
                throw e;
            }
            return new SocketChannelStreams(ch, "unix:" + path);
        } catch (IOException e) {
            throw new MigrationException("Failed to connect to 'unix:" + path + "': " + TcpTransport.reason(e)
                    + (Files.exists(path) ? "" : " (no such socket: is the destination waiting with -incoming?)"), e);
        }
    }

    @Override
    public MigrationListener listen(String address) throws MigrationException {
        Path path = path(address);
        try {
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                server.bind(UnixDomainSocketAddress.of(path), 1);
            } catch (IOException e) {
                server.close();
                throw e;
            }
            return new SocketListener(server, "unix:" + path, path);
        } catch (IOException e) {
            throw new MigrationException("Failed to bind socket for 'unix:" + path + "': " + TcpTransport.reason(e)
                    + (Files.exists(path) ? " (the file exists: remove it or choose another path)" : ""), e);
        }
    }

    private static Path path(String address) throws MigrationException {
        if (address.isEmpty()) {
            throw new MigrationException("'unix:': expected unix:PATH");
        }
        return Path.of(address);
    }
}
