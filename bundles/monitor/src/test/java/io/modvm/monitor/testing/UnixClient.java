package io.modvm.monitor.testing;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A client of a unix socket that collects what the server sends into lines, on a reader thread of its own. */
public final class UnixClient implements AutoCloseable {
    private final SocketChannel channel;
    private final LineCapture lines = new LineCapture();
    private final CountDownLatch ended = new CountDownLatch(1);

    public UnixClient(Path path) throws IOException {
        channel = SocketChannel.open(UnixDomainSocketAddress.of(path));
        Thread reader = new Thread(this::readLoop, "test-client " + path);
        reader.setDaemon(true);
        reader.start();
    }

    private void readLoop() {
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        try {
            while (channel.read(buffer.clear()) > 0) {
                lines.write(buffer.array(), 0, buffer.position());
            }
        } catch (IOException e) {
            // closed by the test, or by the server
        } finally {
            ended.countDown();
        }
    }

    public void send(String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    /** The next CRLF-terminated line the server sent, without the CRLF. */
    public String line() throws InterruptedException {
        return lines.nextLine();
    }

    /** What the server sent after its last line end (an HMP prompt). */
    public String partial() {
        return lines.partial();
    }

    /** Waits until the server hangs up; true if it did. */
    public boolean awaitHangUp() throws InterruptedException {
        return ended.await(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
