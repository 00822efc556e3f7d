package io.modvm.testkit.boot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A modvm process a test started ({@link ModvmLauncher#start}): the guest's console (modvm's standard output),
 * modvm's log (standard error) and, if asked for, a {@link QmpClient}. Closing it ends modvm (QMP {@code quit}, or
 * the process killed after a grace period) and the QMP connection.
 */
public final class RunningModvm implements AutoCloseable {
    private static final Duration QUIT_WAIT = Duration.ofSeconds(20);

    private final Process process;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Thread outPump;
    private final Thread errPump;
    private QmpClient qmp;

    RunningModvm(Process process) {
        this.process = process;
        this.outPump = pump(process.getInputStream(), out, "modvm-stdout");
        this.errPump = pump(process.getErrorStream(), err, "modvm-stderr");
    }

    void connectQmp(Path socket, Duration timeout) throws IOException, InterruptedException {
        qmp = QmpClient.connect(socket, timeout, this);
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream sink, String name) {
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
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** What the guest printed on its console so far. */
    public String output() {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    /** modvm's log so far. */
    public String errors() {
        synchronized (err) {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    /** Whether modvm still runs. */
    public boolean alive() {
        return process.isAlive();
    }

    /**
     * Waits until the console shows {@code text}.
     *
     * @throws AssertionError with the console and the log, if it does not within {@code timeout} or modvm ends
     */
    public void awaitOutput(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (out) {
            while (!out.toString(StandardCharsets.UTF_8).contains(text)) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive() && !outPump.isAlive()) {
                    throw new AssertionError("no '" + text + "' on the guest's console within " + timeout
                            + (process.isAlive() ? "" : " (modvm ended)") + "; console:\n" + output() + "\nlog:\n"
                            + errors());
                }
                out.wait(Math.max(1, Math.min(200, left / 1_000_000)));
            }
        }
    }

    /** The QMP client; only when the launcher was asked for QMP. */
    public QmpClient qmp() {
        if (qmp == null) {
            throw new IllegalStateException("this modvm was started without QMP; ask ModvmLauncher.withQmp()");
        }
        return qmp;
    }

    /**
     * Waits for modvm to end on its own (the guest powered off or exited) and returns its exit status.
     *
     * @throws AssertionError with the console and the log, if it still runs after {@code timeout}
     */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("modvm still runs after " + timeout + "; console:\n" + output() + "\nlog:\n"
                    + errors());
        }
        outPump.join(10_000);
        errPump.join(10_000);
        return process.exitValue();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            if (qmp != null && process.isAlive()) {
                try {
                    qmp.execute("{\"execute\":\"quit\"}");
                } catch (IOException e) {
                    // modvm may close the connection as it quits
                }
            }
        } finally {
            if (qmp != null) {
                qmp.close();
            }
            if (!process.waitFor(qmp == null ? 0 : QUIT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroy();
                if (!process.waitFor(QUIT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            }
        }
    }
}
