package io.modvm.monitor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.monitor.testing.UnixClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixSocketServerTest {
    @TempDir
    Path dir;

    private final CountDownLatch finished = new CountDownLatch(1);

    /** Answers each line with "echo: LINE", CRLF-terminated, and counts the clients it has finished serving. */
    private final ClientHandler echo = (in, out) -> {
        try {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                out.write(("echo: " + line + "\r\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } finally {
            finished.countDown();
        }
    };

    @Test
    void twoClientsAtOnceAndOneLeavingMidLineDoesNotDisturbTheOther() throws Exception {
        Path path = dir.resolve("q.sock");
        try (UnixSocketServer server = UnixSocketServer.open(path, echo);
                UnixClient a = new UnixClient(path);
                UnixClient b = new UnixClient(path)) {
            a.send("a1\n");
            b.send("b1\n");
            assertEquals("echo: a1", a.line());
            assertEquals("echo: b1", b.line());
            a.send("half a li");
            a.close();
            assertTrue(finished.await(30, TimeUnit.SECONDS), "the server never finished the client that left");
            b.send("b2\n");
            assertEquals("echo: b2", b.line());
        }
    }

    @Test
    void closingHangsUpOnClientsAndDeletesTheSocketFile() throws Exception {
        Path path = dir.resolve("q.sock");
        UnixSocketServer server = UnixSocketServer.open(path, echo);
        try (UnixClient client = new UnixClient(path)) {
            client.send("x\n");
            assertEquals("echo: x", client.line());
            server.close();
            assertTrue(client.awaitHangUp());
            assertFalse(Files.exists(path));
        }
    }

    @Test
    void aStaleSocketFileIsReplaced() throws Exception {
        Path path = dir.resolve("stale.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(path));
        }
        assertTrue(Files.exists(path), "closing a unix server socket left no file; this test proves nothing");
        try (UnixSocketServer server = UnixSocketServer.open(path, echo); UnixClient client = new UnixClient(path)) {
            client.send("y\n");
            assertEquals("echo: y", client.line());
        }
    }

    @Test
    void aSocketInUseIsLeftAlone() throws Exception {
        Path path = dir.resolve("busy.sock");
        try (UnixSocketServer first = UnixSocketServer.open(path, echo)) {
            IOException e = assertThrows(IOException.class, () -> UnixSocketServer.open(path, echo));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
            try (UnixClient client = new UnixClient(path)) {
                client.send("z\n");
                assertEquals("echo: z", client.line());
            }
        }
    }

    @Test
    void aFileThatIsNotASocketIsNeverReplaced() throws Exception {
        Path path = dir.resolve("precious.txt");
        Files.writeString(path, "keep me");
        IOException e = assertThrows(IOException.class, () -> UnixSocketServer.open(path, echo));
        assertTrue(e.getMessage().contains("not a socket"), e.getMessage());
        assertEquals("keep me", Files.readString(path));
    }

    @Test
    void aFolderThatDoesNotExistIsAClearError() {
        IOException e = assertThrows(IOException.class,
                () -> UnixSocketServer.open(dir.resolve("missing/q.sock"), echo));
        assertTrue(e.getMessage().startsWith("cannot listen"), e.getMessage());
    }
}
