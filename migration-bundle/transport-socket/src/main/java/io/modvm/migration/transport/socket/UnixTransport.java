package io.modvm.migration.transport.socket;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import io.modvm.api.migration.MigrationChannel;
import io.modvm.api.migration.MigrationException;
import io.modvm.api.migration.MigrationListener;
import io.modvm.api.migration.MigrationTransport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.osgi.service.component.annotations.Component;

/**
 * {@code unix:PATH}: a Unix stream socket; the destination creates the socket file and removes it when done. The
 * socket passes file descriptors too ({@link MigrationChannel#passesDescriptors()}), which a local migration
 * ({@code x-ignore-shared}) hands guest RAM over with.
 */
@Component(service = MigrationTransport.class, property = MigrationTransport.PROP_SCHEME + "=unix")
public final class UnixTransport implements MigrationTransport {
    /** sizeof(struct sockaddr_un): the family and 108 bytes of path, the last one a NUL. */
    private static final int SOCKADDR_UN_SIZE = 110;
    private static final int PATH_MAX = 107;

    @Override
    public String scheme() {
        return "unix";
    }

    @Override
    public MigrationChannel connect(String address) throws MigrationException {
        Path path = path(address);
        int fd = socket(path);
        try (Memory name = address(path)) {
            Libc.connect(fd, name, SOCKADDR_UN_SIZE);
            return new UnixSocketChannel(fd, "unix:" + path);
        } catch (LastErrorException e) {
            Libc.closeQuietly(fd);
            throw new MigrationException("Failed to connect to 'unix:" + path + "': "
                    + Libc.describe(e.getErrorCode())
                    + (Files.exists(path) ? "" : " (no such socket: is the destination waiting with -incoming?)"), e);
        }
    }

    @Override
    public MigrationListener listen(String address) throws MigrationException {
        Path path = path(address);
        int fd = socket(path);
        try (Memory name = address(path)) {
            Libc.bind(fd, name, SOCKADDR_UN_SIZE);
            Libc.listen(fd, 1);
            return new UnixSocketListener(fd, "unix:" + path, path);
        } catch (LastErrorException e) {
            Libc.closeQuietly(fd);
            throw new MigrationException("Failed to bind socket for 'unix:" + path + "': "
                    + Libc.describe(e.getErrorCode())
                    + (Files.exists(path) ? " (the file exists: remove it or choose another path)" : ""), e);
        }
    }

    private static int socket(Path path) throws MigrationException {
        try {
            return Libc.socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new MigrationException("'unix:" + path + "': cannot make a unix socket: "
                    + Libc.describe(e.getErrorCode()), e);
        }
    }

    private static Memory address(Path path) {
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        Memory m = new Memory(SOCKADDR_UN_SIZE);
        m.clear();
        m.setShort(0, (short) Libc.AF_UNIX);
        m.write(2, name, 0, name.length);
        return m;
    }

    private static Path path(String address) throws MigrationException {
        if (address.isEmpty()) {
            throw new MigrationException("'unix:': expected unix:PATH");
        }
        if (address.getBytes(StandardCharsets.UTF_8).length > PATH_MAX) {
            throw new MigrationException("'unix:" + address + "': the path is longer than " + PATH_MAX + " bytes");
        }
        return Path.of(address);
    }
}
