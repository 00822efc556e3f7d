package io.modvm.core.chardev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.modvm.api.device.CharReceiver;
import io.modvm.api.device.DeviceException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The unix socket console against real sockets in a temporary folder. */
@Timeout(30)
class UnixSocketBackendTest {
    @TempDir
    Path dir;

    /** A device with a small FIFO that the "guest" empties on demand. */
    private static final class SmallFifo implements CharReceiver {
        private final StringBuilder fifo = new StringBuilder();
        private final int capacity;

        SmallFifo(int capacity) {
            this.capacity = capacity;
        }

        @Override
        public synchronized int room() {
            return capacity - fifo.length();
        }

        @Override
        public synchronized void receive(byte[] data, int offset, int length) {
            if (length > room()) {
                // Thrown on the backend's thread, so kept visibly rather than lost there.
                fifo.append("<overrun>");
                return;
            }
            fifo.append(new String(data, offset, length, StandardCharsets.ISO_8859_1));
        }

        synchronized String drain() {
            String s = fifo.toString();
            fifo.setLength(0);
            return s;
        }
    }

    private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("never happened: " + what);
            }
            Thread.sleep(1);
        }
    }

    private static SocketChannel connect(Path path) throws IOException {
        return SocketChannel.open(UnixDomainSocketAddress.of(path));
    }

    private static String read(SocketChannel c, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (c.read(b) < 0) {
                break;
            }
        }
        return new String(b.array(), 0, b.position(), StandardCharsets.ISO_8859_1);
    }

    private static void send(SocketChannel c, String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
        while (b.hasRemaining()) {
            c.write(b);
        }
    }

    @Test
    void outputGoesToTheClientAndItsInputToTheDeviceAsFastAsTheDeviceTakesIt() throws Exception {
        Path path = dir.resolve("console.sock");
        try (UnixSocketBackend backend = UnixSocketBackend.open(path, false)) {
            SmallFifo fifo = new SmallFifo(4);
            backend.attach(fifo);
            try (SocketChannel client = connect(path)) {
                // Output sent before the backend has seen the client may be dropped, as QEMU's nowait does; keep
                // writing until a byte arrives, then check a line that follows it.
                client.configureBlocking(false);
                ByteBuffer one = ByteBuffer.allocate(1);
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (client.read(one) == 0 && System.nanoTime() < deadline) {
                    backend.write(new byte[] {'.'}, 0, 1);
                    Thread.sleep(1);
                }
                client.configureBlocking(true);
                byte[] line = "|boot\n".getBytes(StandardCharsets.ISO_8859_1);
                backend.write(line, 0, line.length);
                String got = "";
                while (!got.endsWith("|boot\n")) {
                    got += read(client, 1);
                }
                assertTrue(got.replace(".", "").equals("|boot\n"), got);

                send(client, "typed ahead");
                StringBuilder received = new StringBuilder();
                deadline = System.nanoTime() + 10_000_000_000L;
                while (received.length() < "typed ahead".length() && System.nanoTime() < deadline) {
                    String part = fifo.drain();
                    if (part.isEmpty()) {
                        Thread.sleep(1);
                    } else {
                        received.append(part);
                        backend.receiverReady();
                    }
                }
                assertEquals("typed ahead", received.toString());
            }
        }
        assertFalse(Files.exists(path), "the socket file outlived the backend");
    }

    @Test
    void aSecondClientIsServedAfterTheFirstLeaves() throws Exception {
        Path path = dir.resolve("s");
        try (UnixSocketBackend backend = UnixSocketBackend.open(path, false)) {
            SmallFifo fifo = new SmallFifo(64);
            backend.attach(fifo);
            try (SocketChannel first = connect(path)) {
                send(first, "one");
                eventually(() -> fifo.room() == 61, "first client's input");
            }
            try (SocketChannel second = connect(path)) {
                send(second, "two");
                eventually(() -> fifo.room() == 58, "second client's input");
            }
            assertEquals("onetwo", fifo.drain());
        }
    }

    @Test
    void withoutNowaitTheMachineWaitsForTheFirstClient() throws Exception {
        Path path = dir.resolve("w.sock");
        CompletableFuture<UnixSocketBackend> opening = CompletableFuture.supplyAsync(() -> {
            try {
                return UnixSocketBackend.open(path, true);
            } catch (DeviceException e) {
                throw new IllegalStateException(e);
            }
        });
        eventually(() -> Files.exists(path), "socket created");
        assertFalse(opening.isDone(), "open returned before a client came");
        // bind(2) creates the file a moment before listen(2) lets clients in.
        SocketChannel listening = null;
        while (listening == null) {
            try {
                listening = connect(path);
            } catch (IOException notYet) {
                Thread.sleep(1);
            }
        }
        try (SocketChannel client = listening; UnixSocketBackend backend = opening.get()) {
            backend.write("hi".getBytes(StandardCharsets.ISO_8859_1), 0, 2);
            assertEquals("hi", read(client, 2));
        }
    }

    @Test
    void aStaleSocketFileIsReplaced() throws Exception {
        Path path = dir.resolve("stale.sock");
        ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(path));
        dead.close(); // closing a unix listener leaves its file behind, as a crashed VMM does
        assertTrue(Files.exists(path));
        try (UnixSocketBackend backend = UnixSocketBackend.open(path, false);
                SocketChannel client = connect(path)) {
            assertTrue(client.isConnected());
        }
    }

    @Test
    void aSocketInUseIsNotTaken() throws Exception {
        Path path = dir.resolve("busy.sock");
        try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            other.bind(UnixDomainSocketAddress.of(path));
            assertError("unix socket '" + path + "' is in use by another process; stop it or give another path",
                    path);
            assertTrue(Files.exists(path), "the other process's socket was removed");
        }
    }

    @Test
    void badPathsAreOneLineErrors() throws Exception {
        Path missing = dir.resolve("no/such/folder/s.sock");
        assertError("cannot listen on unix socket '" + missing + "': folder '" + missing.getParent()
                + "' does not exist; create it or give another path", missing);
        Path file = Files.writeString(dir.resolve("notes.txt"), "keep me");
        assertError("cannot listen on unix socket '" + file
                + "': a file that is not a socket is there; remove it or give another path", file);
        assertEquals("keep me", Files.readString(file));
    }

    private static void assertError(String message, Path path) {
        DeviceException e = assertThrows(DeviceException.class, () -> UnixSocketBackend.open(path, false));
        assertEquals(message, e.getMessage());
    }
}
