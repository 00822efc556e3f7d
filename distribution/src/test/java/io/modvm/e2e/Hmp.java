package io.modvm.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An HMP client on a unix socket: reads up to each "(qemu) " prompt, as a person at QEMU's monitor would. Any other
 * console that answers each line and then prompts (the Gogo shell's "g! ") is read the same way.
 */
final class Hmp implements AutoCloseable {
    private static final String PROMPT = "(qemu) ";
    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;
    private final String prompt;

    private Hmp(SocketChannel channel, String prompt) {
        this.channel = channel;
        this.in = Channels.newInputStream(channel);
        this.out = Channels.newOutputStream(channel);
        this.prompt = prompt;
    }

    static Hmp connect(Path socket, Duration wait) throws Exception {
        return connect(socket, wait, PROMPT);
    }

    /** A console on {@code socket} that prompts with {@code prompt}, once it has sent its first prompt. */
    static Hmp connect(Path socket, Duration wait, String prompt) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!Files.exists(socket)) {
            if (System.nanoTime() > deadline) {
                throw new IOException("no console socket at " + socket + " within " + wait);
            }
            Thread.sleep(50);
        }
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        Hmp hmp = new Hmp(ch, prompt);
        hmp.untilPrompt();
        return hmp;
    }

    /** Sends one command line and returns what the monitor printed before its next prompt. */
    String command(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return untilPrompt();
    }

    private String untilPrompt() throws IOException {
        StringBuilder text = new StringBuilder();
        while (!text.toString().endsWith(prompt)) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("console connection closed; got:\n" + text);
            }
            text.append((char) b);
        }
        return text.substring(0, text.length() - prompt.length());
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
