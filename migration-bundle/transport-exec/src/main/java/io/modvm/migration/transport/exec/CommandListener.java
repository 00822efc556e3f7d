package io.modvm.migration.transport.exec;

import io.modvm.api.migration.MigrationChannel;
import io.modvm.api.migration.MigrationListener;

/** A destination's command, started when the destination starts waiting; its stdout is the stream. */
final class CommandListener implements MigrationListener {
    private final Process process;
    private final String command;
    private boolean accepted;

    CommandListener(Process process, String command) {
        this.process = process;
        this.command = command;
    }

    @Override
    public synchronized MigrationChannel accept() {
        accepted = true;
        return new CommandChannel(process, command, false);
    }

    @Override
    public String describe() {
        return "exec:" + command;
    }

    /** Before the stream is taken, ends the command; afterwards the channel owns it. */
    @Override
    public synchronized void close() {
        if (!accepted) {
            process.destroyForcibly();
        }
    }
}
