package io.modvm.migration.transport.socket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import io.modvm.api.migration.MigrationChannel;
import io.modvm.api.migration.MigrationException;
import io.modvm.api.migration.MigrationListener;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unix transport over real sockets: bytes both ways, a descriptor riding on bytes that the reader buffered past
 * (it must not be lost), and a listener that a close wakes.
 */
@Timeout(30)
class UnixTransportTest {
    @TempDir
    Path dir;

    private final UnixTransport transport = new UnixTransport();

    @Test
    void bytesAndADescriptorCrossTheSocket() throws Exception {
        String address = dir.resolve("t.sock").toString();
        MigrationListener listener = transport.listen(address);
        CompletableFuture<MigrationChannel> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                return listener.accept();
            } catch (MigrationException e) {
                throw new IllegalStateException(e);
            }
        });
        int memfd = memfd("hand-over contents");
        try (MigrationChannel source = transport.connect(address); MigrationChannel destination = accepted.get()) {
            assertTrue(source.passesDescriptors());
            source.output().write("before".getBytes(StandardCharsets.US_ASCII));
            source.writeWithDescriptors(new byte[] {'F'}, new int[] {memfd});
            source.output().write("after".getBytes(StandardCharsets.US_ASCII));
            byte[] got = new byte[12];
            new DataInputStream(destination.input()).readFully(got);
            assertEquals("beforeFafter", new String(got, StandardCharsets.US_ASCII));
            int[] fds = destination.takeDescriptors(1);
            assertNotEquals(memfd, fds[0]);
            assertArrayEquals("hand-over contents".getBytes(StandardCharsets.US_ASCII), read(fds[0], 18));
            assertThrows(IOException.class, () -> destination.takeDescriptors(1));
            close(fds[0]);
            destination.output().write('!');
            assertEquals('!', source.input().read());
        } finally {
            close(memfd);
        }
    }

    @Test
    void aClosedListenerStopsWaiting() throws Exception {
        MigrationListener listener = transport.listen(dir.resolve("w.sock").toString());
        CompletableFuture<Object> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return listener.accept();
            } catch (MigrationException e) {
                return e;
            }
        });
        Thread.sleep(100);
        listener.close();
        assertTrue(waiting.get() instanceof MigrationException, String.valueOf(waiting.get()));
    }

    @Test
    void noDestinationIsOneLine() {
        MigrationException e = assertThrows(MigrationException.class,
                () -> transport.connect(dir.resolve("none.sock").toString()));
        assertTrue(e.getMessage().contains("No such file or directory"), e.getMessage());
    }

    private static int memfd(String contents) {
        int fd = Function.getFunction("c", "memfd_create").invokeInt(new Object[] {"test", 0});
        byte[] b = contents.getBytes(StandardCharsets.US_ASCII);
        Memory m = new Memory(b.length);
        m.write(0, b, 0, b.length);
        Function.getFunction("c", "write").invokeLong(new Object[] {fd, m, (long) b.length});
        return fd;
    }

    private static byte[] read(int fd, int length) {
        Memory m = new Memory(length);
        long n = Function.getFunction("c", "pread").invokeLong(new Object[] {fd, m, (long) length, 0L});
        byte[] out = new byte[(int) n];
        m.read(0, out, 0, out.length);
        return out;
    }

    private static void close(int fd) {
        Function.getFunction("c", "close").invokeInt(new Object[] {fd});
    }
}
