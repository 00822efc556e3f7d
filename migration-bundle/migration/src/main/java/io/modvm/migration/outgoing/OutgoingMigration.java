package io.modvm.migration.outgoing;

import io.modvm.api.machine.Machine;
import io.modvm.api.machine.RunState;
import io.modvm.api.migration.DirtyLog;
import io.modvm.api.migration.MigratableMachine;
import io.modvm.api.migration.MigrationChannel;
import io.modvm.api.migration.MigrationException;
import io.modvm.api.migration.RamBlock;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.block.BlockNode;
import io.modvm.migration.MigrationCapabilities;
import io.modvm.migration.MigrationEvents;
import io.modvm.migration.MigrationParameters;
import io.modvm.migration.MigrationProgress;
import io.modvm.migration.MigrationStatus;
import io.modvm.migration.disks.MachineDisks;
import io.modvm.migration.stream.AnswerReader;
import io.modvm.migration.stream.StreamFormat;
import io.modvm.migration.stream.StreamWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One outgoing pre-copy migration, on its own thread: all of RAM while the guest runs, then rounds of the pages it
 * dirtied until what is left fits {@code downtime-limit} at the bandwidth measured, then the guest pauses and the
 * rest goes with the device state. Until the destination confirms (or, on a one-way carrier, until the stream is
 * written), any failure or a cancel leaves the source running as before.
 */
public final class OutgoingMigration implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(OutgoingMigration.class);
    /** Passes whose dirtying outran the link before auto-converge throttles, as QEMU counts them. */
    private static final int THROTTLE_AFTER = 2;

    private final MigratableMachine machine;
    private final MigrationChannel channel;
    private final MigrationParameters parameters;
    private final MigrationCapabilities capabilities;
    private final MigrationProgress progress;
    private final MigrationEvents events;
    private final boolean blocks;
    private volatile boolean cancelled;
    /** Set once the whole stream is out: the destination decides now, and the source waits for its word. */
    private volatile boolean committed;
    /** The disks a block migration carries, or null; set up when the migration starts. */
    private DiskCopy disks;

    public OutgoingMigration(MigratableMachine machine, MigrationChannel channel, MigrationParameters parameters,
            MigrationCapabilities capabilities, MigrationProgress progress, MigrationEvents events) {
        this(machine, channel, parameters, capabilities, progress, events, false);
    }

    /**
     * With {@code blocks}, a block migration ({@code migrate -b}): the writable disks go in the same stream, for a
     * destination whose disks are not the source's.
     */
    public OutgoingMigration(MigratableMachine machine, MigrationChannel channel, MigrationParameters parameters,
            MigrationCapabilities capabilities, MigrationProgress progress, MigrationEvents events,
            boolean blocks) {
        this.blocks = blocks;
        this.machine = machine;
        this.channel = channel;
        this.parameters = parameters;
        this.capabilities = capabilities;
        this.progress = progress;
        this.events = events;
    }

    /** Asks the migration to stop; it stops at its next run of pages, and the source goes on running. */
    public void cancel() {
        if (committed || !progress.cancelling()) {
            return;
        }
        cancelled = true;
        events.status(MigrationStatus.CANCELLING);
        try {
            channel.close();
        } catch (IOException e) {
            // the channel is being abandoned
        }
    }

    @Override
    public void run() {
        status(MigrationStatus.SETUP);
        Machine m = machine.machine();
        StreamWriter out = new StreamWriter(channel.output());
        List<RamBlock> ram = machine.ram();
        long totalBytes = ram.stream().mapToLong(RamBlock::size).sum();
        boolean local = capabilities.on("x-ignore-shared");
        try (DiskCopy carried = blocks ? startDiskCopy() : null;
                DirtyLog log = local ? null : machine.startDirtyLog(); CpuThrottle throttle = new CpuThrottle(m)) {
            disks = carried;
            out.header(machine.describe(), local, carried == null ? List.of() : carried.list());
            AnswerReader answers = channel.input() == null ? null : new AnswerReader(channel.input());
            if (answers != null) {
                answers.expect(StreamFormat.OK, "the destination refused the migration");
            }
            // query-migrate shows the RAM to move from the first moment the migration is active.
            report(out, totalBytes, totalBytes);
            status(MigrationStatus.ACTIVE);
            if (local) {
                sendFinal(m, out, totalBytes, () -> {
                    for (int b = 0; b < ram.size(); b++) {
                        out.handOver(b, ram.get(b), channel);
                    }
                });
            } else {
                precopy(m, out, log, throttle, ram, totalBytes);
            }
            if (answers != null) {
                try {
                    answers.expect(StreamFormat.DONE, "the destination could not load the machine");
                } catch (AnswerReader.Silence e) {
                    // It had everything and said nothing: it may run the guest now. Staying paused is safe; resuming
                    // here could run the guest twice. cont runs it here if the destination did not.
                    machine.migrated(local);
                    String why = e.getMessage() + "; it may be running the guest, so this side stays paused"
                            + " (cont runs it here if it is not)";
                    progress.fail(why);
                    events.status(MigrationStatus.FAILED);
                    LOG.warn("migration to {}: {}", channel.describe(), why);
                    closeQuietly();
                    return;
                }
            }
            channel.close();
            progress.ram(out.bytes(), 0, totalBytes, out.zeroPages(), out.normalPages());
            progress.downtime((System.nanoTime() - downtimeStart) / 1_000_000, out.bytes() - precopyBytes);
            machine.migrated(local);
            status(MigrationStatus.COMPLETED);
            LOG.info("migration to {} completed: {} bytes in {} ms, downtime {} ms", channel.describe(),
                    out.bytes(), progress.totalMillis(), progress.downtimeMillis());
        } catch (IOException | MigrationException | StateException | RuntimeException e) {
            abandon(m, stoppedHere, saved, e);
        }
    }

    /**
     * All of RAM while the guest runs, then the pages it dirtied, pass after pass, until the rest fits the downtime
     * limit; then the stop-and-copy.
     */
    private void precopy(Machine m, StreamWriter out, DirtyLog log, CpuThrottle throttle, List<RamBlock> ram,
            long totalBytes) throws IOException, MigrationException, StateException {
        Pacer pacer = new Pacer(() -> parameters.number("max-bandwidth"), () -> cancelled);
        // The log starts with every page dirty; the first pass sends every page anyway, so that first report is
        // taken (and the pages write-protected) before it, or the next pass would send all of RAM again.
        fetch(log, ram.size());
        long passStart = System.nanoTime();
        long passBytes = out.bytes();
        long unsent = totalBytes;
        for (int b = 0; b < ram.size(); b++) {
            out.pages(b, ram.get(b), null, pacer);
            unsent -= ram.get(b).size();
            report(out, totalBytes, unsent);
        }
        if (disks != null) {
            disks.bulk(out, pacer);
        }
        int pass = 1;
        out.passEnd(pass);
        int outran = 0;
        while (true) {
            long[][] dirty = fetch(log, ram.size());
            long dirtyPages = count(dirty);
            long elapsed = Math.max(1, System.nanoTime() - passStart);
            long sentBytes = out.bytes() - passBytes;
            double bytesPerSecond = sentBytes * 1e9 / elapsed;
            long remainingBytes = dirtyPages * StreamFormat.PAGE_SIZE + (disks == null ? 0 : disks.collect());
            long expectedMillis = bytesPerSecond > 0 ? (long) (remainingBytes * 1000 / bytesPerSecond) : 0;
            progress.pass(pass, (long) (dirtyPages * 1e9 / elapsed), sentBytes * 8e3 / elapsed,
                    expectedMillis);
            report(out, totalBytes, remainingBytes);
            events.pass(pass);
            if (expectedMillis <= parameters.number("downtime-limit")) {
                // The throttle lets go first, so that the pause below is the one that stops the guest (and says STOP).
                throttle.close();
                sendFinal(m, out, totalBytes, () -> lastPages(out, log, ram, dirty));
                break;
            }
            if (capabilities.on("auto-converge")) {
                outran = remainingBytes * 100 > sentBytes * parameters.number("throttle-trigger-threshold")
                        ? outran + 1 : 0;
                if (outran >= THROTTLE_AFTER) {
                    int now = throttle.percent();
                    throttle.set((int) Math.min(parameters.number("max-cpu-throttle"), now == 0
                            ? parameters.number("cpu-throttle-initial")
                            : now + parameters.number("cpu-throttle-increment")));
                    progress.throttle(throttle.percent());
                    outran = 0;
                }
            }
            passStart = System.nanoTime();
            passBytes = out.bytes();
            for (int b = 0; b < ram.size(); b++) {
                out.pages(b, ram.get(b), dirty[b], pacer);
            }
            if (disks != null) {
                disks.sendPending(out, pacer);
            }
            out.passEnd(++pass);
        }
    }

    /** Starts logging the writes to every writable disk, before the first of their bytes is read. */
    private DiskCopy startDiskCopy() {
        Map<String, BlockNode> writable = MachineDisks.writable(machine);
        return new DiskCopy(writable, MachineDisks.list(writable));
    }

    /** Set in the stop-and-copy phase: what a failure must undo, and where the downtime began. */
    private boolean stoppedHere;
    private boolean saved;
    private long downtimeStart;
    private long precopyBytes;

    /** What the stop-and-copy sends of RAM: the pages left, or the memory handed over. */
    @FunctionalInterface
    private interface FinalRam {
        void send() throws IOException, MigrationException;
    }

    /** Pauses the guest, sends what is left of RAM ({@code rest}) and the device state. */
    private void sendFinal(Machine m, StreamWriter out, long totalBytes, FinalRam rest)
            throws IOException, MigrationException, StateException {
        precopyBytes = out.bytes();
        progress.stopped(precopyBytes);
        downtimeStart = System.nanoTime();
        stoppedHere = machine.stopGuest();
        machine.showState(RunState.FINISH_MIGRATE);
        status(MigrationStatus.DEVICE);
        StateRecord state = machine.saveState();
        saved = true;
        rest.send();
        if (disks != null) {
            disks.finish(out, Pacer.unlimited(() -> cancelled));
        }
        out.passEnd(Integer.MAX_VALUE);
        out.state(state);
        out.end();
        // From here the destination may run the guest: a cancel can no longer take it back.
        committed = true;
        report(out, totalBytes, 0);
    }

    /** The pages dirtied since the last pass, by the vCPUs or by the devices. */
    private void lastPages(StreamWriter out, DirtyLog log, List<RamBlock> ram, long[][] dirty)
            throws IOException, MigrationException {
        StreamWriter.Pacer unlimited = Pacer.unlimited(() -> cancelled);
        long[][] last = fetch(log, ram.size());
        for (int b = 0; b < ram.size(); b++) {
            long[] pages = or(or(dirty[b], last[b]), log.deviceWritten(b));
            out.pages(b, ram.get(b), pages, unlimited);
        }
    }

    private void closeQuietly() {
        try {
            channel.close();
        } catch (IOException | RuntimeException e) {
            // the stream is over either way
        }
    }

    private void abandon(Machine m, boolean resumeGuest, boolean resumeDevices, Exception e) {
        try {
            channel.close();
        } catch (IOException | RuntimeException closing) {
            // the stream is abandoned either way
        }
        if (resumeDevices) {
            machine.resumeDevices();
        }
        machine.showState(null);
        if (resumeGuest) {
            m.resume();
        }
        if (cancelled || e instanceof InterruptedIOException) {
            status(MigrationStatus.CANCELLED);
            LOG.info("migration to {} cancelled; the guest goes on here", channel.describe());
        } else {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            progress.fail(why);
            events.status(MigrationStatus.FAILED);
            LOG.warn("migration to {} failed, the guest goes on here: {}", channel.describe(), why);
        }
    }

    private void report(StreamWriter out, long total, long remaining) {
        progress.ram(out.bytes(), remaining, total, out.zeroPages(), out.normalPages());
        DiskCopy d = disks;
        if (d != null) {
            progress.disk(d.sentBytes(), d.remainingBytes(), d.totalBytes());
        }
    }

    private void status(MigrationStatus s) {
        progress.status(s);
        events.status(s);
    }

    private static long[][] fetch(DirtyLog log, int blocks) throws MigrationException {
        long[][] out = new long[blocks][];
        for (int b = 0; b < blocks; b++) {
            out[b] = log.fetch(b);
        }
        return out;
    }

    private static long count(long[][] bitmaps) {
        long n = 0;
        for (long[] bits : bitmaps) {
            for (long w : bits) {
                n += Long.bitCount(w);
            }
        }
        return n;
    }

    /** The union of two bitmaps of possibly different lengths. */
    static long[] or(long[] a, long[] b) {
        long[] out = new long[Math.max(a.length, b.length)];
        for (int i = 0; i < out.length; i++) {
            out[i] = (i < a.length ? a[i] : 0) | (i < b.length ? b[i] : 0);
        }
        return out;
    }
}
