package io.modvm.migration.transport.file;

import io.modvm.api.migration.MigrationChannel;
import io.modvm.api.migration.MigrationException;
import io.modvm.api.migration.MigrationListener;
import io.modvm.api.migration.MigrationTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.osgi.service.component.annotations.Component;

/**
 * {@code file:PATH} (QEMU 8.2's scheme; QEMU 7.2 users write {@code exec:cat > PATH}): the source writes the whole
 * stream to the file, made durable before the migration counts as completed; the destination reads it back.
 */
@Component(service = MigrationTransport.class, property = MigrationTransport.PROP_SCHEME + "=file")
public final class FileTransport implements MigrationTransport {
    @Override
    public String scheme() {
        return "file";
    }

    @Override
    public MigrationChannel connect(String address) throws MigrationException {
        Path path = path(address);
        try {
            FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            return channel(ch, path, Channels.newOutputStream(ch), null);
        } catch (IOException e) {
            throw new MigrationException("file:" + path + ": cannot write it: " + reason(e), e);
        }
    }

    @Override
    public MigrationListener listen(String address) throws MigrationException {
        Path path = path(address);
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new MigrationException("file:" + path + ": no such file", e);
        } catch (IOException e) {
            throw new MigrationException("file:" + path + ": cannot read it: " + reason(e), e);
        }
        MigrationChannel opened = channel(ch, path, null, Channels.newInputStream(ch));
        return new MigrationListener() {
            private boolean accepted;

            @Override
            public synchronized MigrationChannel accept() {
                accepted = true;
                return opened;
            }

            @Override
            public String describe() {
                return "file:" + path;
            }

            /** Before the stream is taken, closes the file; afterwards the channel owns it. */
            @Override
            public synchronized void close() {
                if (!accepted) {
                    try {
                        ch.close();
                    } catch (IOException e) {
                        // nothing was read from it
                    }
                }
            }
        };
    }

    private static MigrationChannel channel(FileChannel ch, Path path, OutputStream out, InputStream in) {
        return new MigrationChannel() {
            @Override
            public OutputStream output() {
                return out;
            }

            @Override
            public InputStream input() {
                return in;
            }

            @Override
            public String describe() {
                return "file:" + path;
            }

            @Override
            public void close() throws IOException {
                try (ch) {
                    if (out != null && ch.isOpen()) {
                        ch.force(true);
                    }
                }
            }
        };
    }

    private static Path path(String address) throws MigrationException {
        if (address.isEmpty()) {
            throw new MigrationException("'file:': expected file:PATH");
        }
        return Path.of(address);
    }

    private static String reason(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
