package io.modvm.migration;

import io.modvm.api.migration.MigratableMachine;
import io.modvm.api.migration.MigrationChannel;
import io.modvm.api.migration.MigrationException;
import io.modvm.api.migration.MigrationListener;
import io.modvm.api.migration.MigrationTransport;
import io.modvm.api.machine.RunState;
import io.modvm.api.monitor.MonitorEvents;
import io.modvm.api.net.AnnounceRounds;
import io.modvm.api.net.NetworkAnnouncer;
import io.modvm.migration.incoming.IncomingMigration;
import io.modvm.migration.outgoing.OutgoingMigration;
import io.modvm.migration.snapshot.Snapshots;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The machine's migrations: at most one at a time, outgoing or incoming, with the parameters and capabilities the
 * monitor set. The monitor commands act through it; a machine that started with {@code -incoming URI} starts its
 * incoming migration here as soon as the machine is registered.
 */
@Component(service = Migrations.class, immediate = true)
public final class Migrations {
    private static final long TRANSPORT_WAIT_MILLIS = 10_000;
    private static final long WORKER_STOP_MILLIS = 5_000;
    private final Transports transports = new Transports();
    private final MigrationParameters parameters = new MigrationParameters();
    private final MigrationCapabilities capabilities = new MigrationCapabilities();
    private final MigrationEvents events = new MigrationEvents(() -> this.monitorEvents,
            () -> capabilities.on("events"));
    private volatile MonitorEvents monitorEvents;
    private volatile NetworkAnnouncer announcer;
    private volatile MigratableMachine machine;
    private volatile String deferredIncoming;
    private MigrationProgress progress = new MigrationProgress(false);
    /** A migration being connected, or a snapshot operation; guarded by this. */
    private boolean busy;
    private OutgoingMigration outgoing;
    private IncomingMigration incoming;
    private Thread worker;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addTransport(MigrationTransport t) {
        transports.add(t);
    }

    void removeTransport(MigrationTransport t) {
        transports.remove(t);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setEvents(MonitorEvents e) {
        monitorEvents = e;
    }

    void unsetEvents(MonitorEvents e) {
        if (monitorEvents == e) {
            monitorEvents = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setAnnouncer(NetworkAnnouncer a) {
        announcer = a;
    }

    void unsetAnnouncer(NetworkAnnouncer a) {
        if (announcer == a) {
            announcer = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setMachine(MigratableMachine m, Map<String, Object> properties) {
        machine = m;
        if (properties.get(MigratableMachine.PROP_LOADVM) instanceof String tag) {
            loadAtStart(m, tag);
        }
        Object incoming = properties.get(MigratableMachine.PROP_INCOMING);
        if (incoming instanceof String uri) {
            if (uri.equals("defer")) {
                deferredIncoming = uri;
            } else {
                // Not on this thread: SCR binds the transports after the machine, on this same thread, when this
                // component starts while the machine already runs (an update of this bundle).
                Thread t = new Thread(() -> {
                    try {
                        incoming(uri);
                    } catch (IllegalArgumentException | IllegalStateException e) {
                        m.incomingFailed(e.getMessage());
                    }
                }, "modvm-migration-listen");
                t.setDaemon(true);
                t.start();
            }
        }
    }

    /** {@code -loadvm TAG}: loads the snapshot on a thread of its own, then lets the guest run. */
    private void loadAtStart(MigratableMachine m, String tag) {
        Thread t = new Thread(() -> {
            try {
                exclusively(() -> {
                    new Snapshots(m).load(tag);
                    return null;
                });
                m.incomingLoaded();
            } catch (MigrationException | RuntimeException e) {
                m.incomingFailed("-loadvm " + tag + ": " + e.getMessage());
            }
        }, "modvm-loadvm");
        t.setDaemon(true);
        t.start();
    }

    /**
     * The guest arrived: as QEMU, its NICs tell the network's switches (which still send its frames to the source's
     * port) where it is now, with the {@code announce-*} parameters' timing.
     */
    private void announceArrival() {
        NetworkAnnouncer a = announcer;
        if (a != null) {
            a.announce(new AnnounceRounds(parameters.number("announce-initial"), parameters.number("announce-max"),
                    (int) parameters.number("announce-rounds"), parameters.number("announce-step"), List.of(), null));
        }
    }

    void unsetMachine(MigratableMachine m) {
        if (machine == m) {
            machine = null;
        }
    }

    /**
     * The bundle stops: an outgoing migration is cancelled (the guest goes on at the source) and an incoming one
     * stops; the worker is given a moment to end, so that no thread of this bundle's classes outlives it.
     */
    @Deactivate
    void deactivate() throws InterruptedException {
        Thread t;
        synchronized (this) {
            cancel();
            if (incoming != null) {
                incoming.stop();
            }
            t = worker;
        }
        if (t != null) {
            t.join(WORKER_STOP_MILLIS);
        }
    }

    public MigrationParameters parameters() {
        return parameters;
    }

    public MigrationCapabilities capabilities() {
        return capabilities;
    }

    /** The current or last migration's figures. */
    public synchronized MigrationProgress progress() {
        return progress;
    }

    /** The machine, or IllegalStateException if there is none yet. */
    public MigratableMachine machine() {
        MigratableMachine m = machine;
        if (m == null) {
            throw new IllegalStateException("there is no machine to migrate yet");
        }
        return m;
    }

    /**
     * Starts an outgoing migration to {@code uri} on its own thread; the connection is made here, so that a bad URI
     * or a destination that is not there is this call's error.
     *
     * @throws IllegalStateException if a migration runs, the machine waits for an incoming one, or a part of it
     *     blocks migration ({@link MigratableMachine#migrationBlockers()})
     * @throws IllegalArgumentException for an unknown scheme
     * @throws MigrationException if the connection cannot be made
     */
    public void migrate(String uri) throws MigrationException {
        migrate(uri, false);
    }

    /**
     * As {@link #migrate(String)}; with {@code blocks} a block migration ({@code migrate -b}), which carries the
     * writable disks in the same stream.
     */
    public void migrate(String uri, boolean blocks) throws MigrationException {
        MigratableMachine m;
        Transports.Target target;
        synchronized (this) {
            m = machine();
            requireIdle();
            if (m.machine().state() == RunState.INMIGRATE) {
                throw new IllegalStateException("Guest is waiting for an incoming migration");
            }
            List<String> blockers = m.migrationBlockers();
            if (!blockers.isEmpty()) {
                throw new IllegalStateException("Migration is blocked: " + String.join("; ", blockers));
            }
            if (blocks && capabilities.on("x-ignore-shared")) {
                throw new IllegalStateException("Block migration (-b) and x-ignore-shared do not go together: a"
                        + " migration on this host shares its disks already");
            }
            target = transports.find(uri, 0);
            busy = true;
        }
        // The connection is made outside the lock, so that query-migrate answers while a slow host is reached.
        MigrationChannel ch;
        try {
            ch = target.transport().connect(target.address());
            if (ch.output() == null) {
                closeQuietly(ch);
                throw new MigrationException(uri + " cannot carry an outgoing migration");
            }
            if (capabilities.on("x-ignore-shared") && !ch.passesDescriptors()) {
                closeQuietly(ch);
                throw new MigrationException("x-ignore-shared hands guest RAM over to a destination on this host,"
                        + " which " + uri + " cannot do: use unix:PATH");
            }
        } catch (MigrationException | RuntimeException e) {
            synchronized (this) {
                busy = false;
            }
            throw e;
        }
        synchronized (this) {
            progress = new MigrationProgress(false);
            // query-migrate right after migrate returns already shows the migration, as QEMU's does.
            progress.status(MigrationStatus.SETUP);
            outgoing = new OutgoingMigration(m, ch, parameters, capabilities, progress, events, blocks);
            worker = new Thread(outgoing, "modvm-migration");
            worker.setDaemon(true);
            worker.start();
            busy = false;
        }
    }

    /** Throws QEMU's error if a migration or a snapshot operation runs. */
    private void requireIdle() {
        if (busy || worker != null && worker.isAlive()) {
            throw new IllegalStateException("There's a migration process in progress");
        }
    }

    /** A snapshot operation: what {@link #exclusively} runs. */
    @FunctionalInterface
    public interface Exclusive<T> {
        T run() throws MigrationException;
    }

    /**
     * Runs a snapshot operation ({@code savevm}, {@code loadvm}, {@code delvm}, the snapshot jobs) while no migration
     * runs, and keeps migrations and other snapshot operations out meanwhile, as QEMU does.
     *
     * @throws MigrationException QEMU's "There's a migration process in progress", or the operation's own error
     */
    public <T> T exclusively(Exclusive<T> operation) throws MigrationException {
        synchronized (this) {
            try {
                requireIdle();
            } catch (IllegalStateException e) {
                throw new MigrationException(e.getMessage());
            }
            busy = true;
        }
        try {
            return operation.run();
        } finally {
            synchronized (this) {
                busy = false;
            }
        }
    }

    private static void closeQuietly(MigrationChannel ch) {
        try {
            ch.close();
        } catch (java.io.IOException e) {
            // the migration is refused either way
        }
    }

    /** {@code migrate_cancel}: stops an outgoing migration that has not completed; nothing otherwise. */
    public synchronized void cancel() {
        if (outgoing != null && !progress.status().finished()) {
            outgoing.cancel();
        }
    }

    /** Waits for the running migration's thread, up to {@code millis}; for HMP's {@code migrate} without -d. */
    public void await(long millis) throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = worker;
        }
        if (t != null) {
            t.join(millis);
        }
    }

    /**
     * {@code migrate-incoming URI}: only on a machine started with {@code -incoming defer}, once.
     *
     * @throws IllegalStateException otherwise, with QEMU's message
     */
    public synchronized void migrateIncoming(String uri) {
        if (deferredIncoming == null) {
            throw new IllegalStateException("The incoming migration has already been started or was not set up"
                    + " with -incoming defer");
        }
        incoming(uri);
        deferredIncoming = null;
    }

    private synchronized void incoming(String uri) {
        MigratableMachine m = machine();
        Transports.Target target = transports.find(uri, TRANSPORT_WAIT_MILLIS);
        MigrationListener listener;
        try {
            listener = target.transport().listen(target.address());
        } catch (MigrationException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        progress = new MigrationProgress(true);
        IncomingMigration job = incoming = new IncomingMigration(m, listener, progress, events, new IncomingMigration.Outcome() {
            @Override
            public void loaded() {
                m.incomingLoaded();
                announceArrival();
            }

            @Override
            public void failed(String reason) {
                m.incomingFailed(reason);
            }
        });
        worker = new Thread(job, "modvm-migration-incoming");
        worker.setDaemon(true);
        worker.start();
    }
}
