package io.modvm.api.backend;

import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A character backend that is a unix socket to connect to ({@code -chardev socket,path=P} without
 * {@code server=on}), for a backend that opens the socket itself because it passes file descriptors over it, which a
 * byte stream cannot carry (vhost-user). It connects to nothing by itself.
 *
 * @since 1.1
 */
@ProviderType
public interface UnixSocketAddress {
    /** The socket's path. */
    Path path();

    /** Seconds between attempts to reconnect after the peer went away ({@code reconnect=N}); 0 for QEMU's default. */
    int reconnectSeconds();
}
