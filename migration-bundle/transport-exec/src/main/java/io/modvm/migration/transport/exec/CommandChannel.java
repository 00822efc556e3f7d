package io.modvm.migration.transport.exec;

import io.modvm.api.migration.MigrationChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/**
 * A running command as a one-way migration channel. Closing it closes the pipe and waits for the command, so that a
 * source learns whether {@code exec:cat > FILE} really wrote the file.
 */
final class CommandChannel implements MigrationChannel {
    private static final long EXIT_WAIT_SECONDS = 60;

    private final Process process;
    private final String command;
    private final boolean source;

    CommandChannel(Process process, String command, boolean source) {
        this.process = process;
        this.command = command;
        this.source = source;
    }

    @Override
    public OutputStream output() {
        return source ? process.getOutputStream() : null;
    }

    @Override
    public InputStream input() {
        return source ? null : process.getInputStream();
    }

    @Override
    public String describe() {
        return "exec:" + command;
    }

    @Override
    public void close() throws IOException {
        try {
            if (source) {
                process.getOutputStream().close();
            } else {
                process.getInputStream().close();
            }
        } finally {
            finish();
        }
    }

    private void finish() throws IOException {
        try {
            if (!process.waitFor(EXIT_WAIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("exec:" + command + " did not end within " + EXIT_WAIT_SECONDS + " s; ended it");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("exec:" + command + ": interrupted while waiting for it; ended it");
        }
        int status = process.exitValue();
        if (status != 0) {
            throw new IOException("exec:" + command + " exited with status " + status);
        }
    }
}
