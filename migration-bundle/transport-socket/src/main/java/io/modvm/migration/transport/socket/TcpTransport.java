package io.modvm.migration.transport.socket;

import io.modvm.api.migration.MigrationChannel;
import io.modvm.api.migration.MigrationException;
import io.modvm.api.migration.MigrationListener;
import io.modvm.api.migration.MigrationTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.osgi.service.component.annotations.Component;

/** {@code tcp:HOST:PORT}, as QEMU takes it ({@code [::1]:4444} for IPv6; an empty host listens on every address). */
@Component(service = MigrationTransport.class, property = MigrationTransport.PROP_SCHEME + "=tcp")
public final class TcpTransport implements MigrationTransport {
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    @Override
    public String scheme() {
        return "tcp";
    }

    @Override
    public MigrationChannel connect(String address) throws MigrationException {
        InetSocketAddress target = parse(address, false);
        try {
            SocketChannel ch = SocketChannel.open();
            try {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                // An unreachable host is an error in seconds, not after the kernel's two minutes of retries.
                ch.socket().connect(target, CONNECT_TIMEOUT_MILLIS);
            } catch (IOException e) {
                ch.close();
                throw e;
            }
            return new SocketChannelStreams(ch, "tcp:" + address);
        } catch (IOException e) {
            throw new MigrationException("Failed to connect to 'tcp:" + address + "': " + reason(e), e);
        }
    }

    @Override
    public MigrationListener listen(String address) throws MigrationException {
        InetSocketAddress local = parse(address, true);
        try {
            ServerSocketChannel server = ServerSocketChannel.open();
            try {
                server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                server.bind(local, 1);
            } catch (IOException e) {
                server.close();
                throw e;
            }
            InetSocketAddress bound = (InetSocketAddress) server.getLocalAddress();
            String host = bound.getAddress().getHostAddress();
            return new SocketListener(server, "tcp:" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                    + bound.getPort());
        } catch (IOException e) {
            throw new MigrationException("Failed to bind socket for 'tcp:" + address + "': " + reason(e)
                    + " (choose another port, or end what uses it)", e);
        }
    }

    /** HOST:PORT, [V6]:PORT, or :PORT when listening. */
    static InetSocketAddress parse(String address, boolean listening) throws MigrationException {
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw new MigrationException("'tcp:" + address + "': expected tcp:HOST:PORT");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535 || port == 0 && !listening) {
            throw new MigrationException("'tcp:" + address + "': the port must be a number from 1 to 65535");
        }
        if (host.isEmpty()) {
            if (!listening) {
                throw new MigrationException("'tcp:" + address + "': a host is needed to connect to");
            }
            return new InetSocketAddress(port);
        }
        return new InetSocketAddress(host, port);
    }

    static String reason(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
