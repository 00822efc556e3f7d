package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * modvm started from the assembled distribution, as a user starts it: {@code target/modvm/bin/modvm}. Output
 * is collected as it comes; {@link #close()} kills the process (by its own PID) if a test left it running.
 */
final class ModvmProcess implements AutoCloseable {
    private final Process process;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Thread outPump;
    private final Thread errPump;

    private ModvmProcess(Process process) {
        this.process = process;
        outPump = pump(process.getInputStream(), out);
        errPump = pump(process.getErrorStream(), err);
    }

    static Path home() {
        return Path.of(System.getProperty("modvm.home", "target/modvm")).toAbsolutePath();
    }

    static ModvmProcess start(Map<String, String> env, List<String> prefix, String... args) throws IOException {
        return start(home(), env, prefix, args);
    }

    /** Starts the distribution at {@code home} (a copy, for tests that run modvm as another user). */
    static ModvmProcess start(Path home, Map<String, String> env, List<String> prefix, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.add(home.resolve("bin/modvm").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        return new ModvmProcess(pb.start());
    }

    static ModvmProcess start(String... args) throws IOException {
        return start(Map.of(), List.of(), args);
    }

    /** Copies {@code in} into {@code sink} on a daemon thread, waking those who wait on the sink. */
    static Thread pump(InputStream in, ByteArrayOutputStream sink) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[4096];
            try {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    synchronized (sink) {
                        sink.write(buffer, 0, n);
                        sink.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    String stdout() {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    String stderr() {
        synchronized (err) {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    /** Waits until standard output contains {@code text}. */
    void awaitOutput(String text, Duration timeout) throws InterruptedException {
        await(out, outPump, "on the console", text, timeout);
    }

    /** Waits until standard error (modvm's log) contains {@code text}. */
    void awaitError(String text, Duration timeout) throws InterruptedException {
        await(err, errPump, "in the log", text, timeout);
    }

    private void await(ByteArrayOutputStream sink, Thread pump, String where, String text, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (sink) {
            while (!sink.toString(StandardCharsets.UTF_8).contains(text)) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive() && !pump.isAlive()) {
                    fail("no '" + text + "' " + where + " within " + timeout + "; stdout:\n" + stdout()
                            + "\nstderr:\n" + stderr());
                }
                sink.wait(Math.max(1, Math.min(200, left / 1_000_000)));
            }
        }
    }

    void type(String text) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write(text.getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    void closeInput() throws IOException {
        process.getOutputStream().close();
    }

    /** Waits for the exit status; fails, with the output, if modvm is still running after {@code timeout}. */
    int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("modvm still running after " + timeout + "; stdout:\n" + stdout() + "\nstderr:\n" + stderr());
        }
        // Callers assert on the whole output: the pumps must have read to the end, however loaded the host is.
        outPump.join(30_000);
        errPump.join(30_000);
        if (outPump.isAlive() || errPump.isAlive()) {
            fail("modvm exited but its output did not end within 30 s; stdout:\n" + stdout() + "\nstderr:\n" + stderr());
        }
        return process.exitValue();
    }

    /** Sends SIGTERM, as a service manager or {@code kill PID} would. */
    void terminate() {
        process.destroy();
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Runs modvm to its end and returns it for inspection. */
    static ModvmProcess runToEnd(Duration timeout, String... args) throws IOException, InterruptedException {
        ModvmProcess p = start(args);
        p.closeInput();
        try {
            p.waitFor(timeout);
        } finally {
            p.close();
        }
        return p;
    }

    int exitValue() {
        return process.exitValue();
    }
}
