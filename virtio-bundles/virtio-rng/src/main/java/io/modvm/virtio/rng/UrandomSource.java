package io.modvm.virtio.rng;

import io.modvm.api.device.DeviceException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host kernel's random number generator, read from {@code /dev/urandom} through a {@link FileChannel}. Chosen
 * over {@link java.security.SecureRandom} because the guest then gets the host kernel's CSPRNG output itself, as
 * with QEMU's rng-random backend, with no generator state inside the JVM to seed or to carry across a snapshot;
 * and because urandom never blocks once the host has booted, so a request is never held up.
 */
final class UrandomSource implements EntropySource {
    static final Path URANDOM = Path.of("/dev/urandom");
    private static final Logger LOG = LoggerFactory.getLogger(UrandomSource.class);

    private final Path path;
    private final FileChannel channel;

    private UrandomSource(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** Opens {@code path}; a host without it is a one-line {@link DeviceException}. */
    static UrandomSource open(Path path) throws DeviceException {
        try {
            return new UrandomSource(path, FileChannel.open(path, StandardOpenOption.READ));
        } catch (IOException | UnsupportedOperationException e) {
            String why = e instanceof NoSuchFileException ? "no such file"
                    : e instanceof AccessDeniedException ? "permission denied" : e.getMessage();
            throw new DeviceException("virtio-rng-pci: cannot read host entropy from " + path + ": " + why
                    + "; check that it exists and is readable");
        }
    }

    @Override
    public void fill(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new IOException(path + " ended");
            }
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing {} failed", path, e);
        }
    }
}
