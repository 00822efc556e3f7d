package io.modvm.migration.incoming;

import io.modvm.api.migration.MigratableMachine;
import io.modvm.api.migration.MigrationChannel;
import io.modvm.api.migration.MigrationException;
import io.modvm.api.migration.MigrationListener;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.block.BlockNode;
import io.modvm.block.DiskImage;
import io.modvm.migration.MigrationEvents;
import io.modvm.migration.MigrationProgress;
import io.modvm.migration.MigrationStatus;
import io.modvm.migration.disks.MachineDisks;
import io.modvm.migration.stream.AnswerReader;
import io.modvm.migration.stream.StreamFormat;
import io.modvm.migration.stream.StreamReader;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The destination's side, on its own thread: waits for the source, compares its description with this machine
 * before taking any RAM, loads RAM and then the machine's state, and only then lets the guest run. Any failure
 * ends the machine with one line, as QEMU does, so that a half-loaded guest never runs.
 */
public final class IncomingMigration implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(IncomingMigration.class);

    /** What the machine does once the load is over. */
    public interface Outcome {
        /** Everything is loaded: the guest may run (or wait for {@code cont} under {@code -S}). */
        void loaded();

        /** The load failed: the machine must end with {@code reason}. */
        void failed(String reason);
    }

    private final MigratableMachine machine;
    private final MigrationListener listener;
    private final MigrationProgress progress;
    private final MigrationEvents events;
    private final Outcome outcome;
    private volatile boolean stopped;
    private volatile MigrationChannel connected;

    public IncomingMigration(MigratableMachine machine, MigrationListener listener, MigrationProgress progress,
            MigrationEvents events, Outcome outcome) {
        this.machine = machine;
        this.listener = listener;
        this.progress = progress;
        this.events = events;
        this.outcome = outcome;
    }

    @Override
    public void run() {
        status(MigrationStatus.SETUP);
        MigrationChannel ch = null;
        try {
            ch = listener.accept();
            connected = ch;
            if (stopped) {
                throw new MigrationException("the migration bundle stopped while the source connected");
            }
            if (ch.input() == null) {
                throw new MigrationException(ch.describe() + " gives no stream to read");
            }
            MigrationChannel channel = ch;
            OutputStream back = ch.output();
            StreamReader in = new StreamReader(ch.input());
            StateRecord source = in.header();
            List<String> differences = new ArrayList<>(machine.differences(source));
            Map<String, BlockNode> own = MachineDisks.writable(machine);
            differences.addAll(MachineDisks.differences(in.disks(), own));
            if (!differences.isEmpty()) {
                String why = "the source machine does not match this one: " + String.join("; ", differences);
                answer(back, StreamFormat.REFUSED, why);
                throw new MigrationException(why);
            }
            answer(back, StreamFormat.OK, null);
            status(MigrationStatus.ACTIVE);
            StreamReader.Loaded loaded;
            try {
                List<DiskImage> disks = in.disks().stream().map(d -> own.get(d.id()).image()).toList();
                loaded = in.load(machine.ram(), channel::takeDescriptors, disks);
                flush(disks);
                machine.restoreState(loaded.state());
            } catch (MigrationException | StateException e) {
                answer(back, StreamFormat.FAILED, e.getMessage());
                throw e;
            }
            if (back != null) {
                try {
                    AnswerReader.answer(back, StreamFormat.DONE, null);
                } catch (IOException e) {
                    // The source did not hear that the guest runs here, so it may run it there: this side yields.
                    throw new MigrationException("the source went away before it heard that the load succeeded ("
                            + e.getMessage() + "); it keeps the guest");
                }
            }
            progress.ram(in.bytes(), 0, 0, loaded.zeroPages(), loaded.pages());
            status(MigrationStatus.COMPLETED);
            LOG.info("incoming migration from {} loaded: {} bytes, {} passes, {} RAM blocks handed over",
                    ch.describe(), in.bytes(), loaded.passes(), loaded.handedOver());
            closeQuietly(ch);
            outcome.loaded();
        } catch (MigrationException | StateException e) {
            if (stopped && ch == null) {
                LOG.info("incoming migration: the migration bundle stopped before a source connected; it listens "
                        + "again when it starts");
                return;
            }
            progress.fail(e.getMessage());
            events.status(MigrationStatus.FAILED);
            closeQuietly(ch);
            outcome.failed("load of migration failed: " + e.getMessage());
        } catch (RuntimeException | Error e) {
            progress.fail(e.toString());
            events.status(MigrationStatus.FAILED);
            closeQuietly(ch);
            LOG.error("incoming migration failed", e);
            outcome.failed("load of migration failed: " + e);
        } finally {
            listener.close();
        }
    }

    /**
     * The migration bundle stops (an update): a listener no source reached yet closes quietly, so that the next
     * instance can listen on the same address; a load under way is cut off and fails, since a half-loaded guest
     * cannot run.
     */
    public void stop() {
        stopped = true;
        listener.close();
        MigrationChannel ch = connected;
        if (ch != null) {
            closeQuietly(ch);
        }
    }

    /** The disks written from the stream reach their files before the source is told DONE and lets go of its own. */
    private static void flush(List<DiskImage> disks) throws MigrationException {
        for (DiskImage d : disks) {
            try {
                d.flush();
            } catch (IOException e) {
                throw new MigrationException("flushing " + d.path() + " after the block migration: "
                        + e.getMessage(), e);
            }
        }
    }

    /** Answers on the way back, where the carrier has one; a source that went away is noticed by the reader. */
    private static void answer(OutputStream back, String word, String reason) {
        if (back == null) {
            return;
        }
        try {
            AnswerReader.answer(back, word, reason);
        } catch (IOException e) {
            LOG.debug("answer {} not delivered: {}", word, e.toString());
        }
    }

    private static void closeQuietly(MigrationChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // everything needed was read, or the load failed already and that is the error reported
                LOG.debug("{}: {}", ch.describe(), e.toString());
            }
        }
    }

    private void status(MigrationStatus s) {
        progress.status(s);
        events.status(s);
    }
}
