package io.modvm.api.migration;

import io.modvm.api.backend.Backend;
import io.modvm.api.machine.Machine;
import io.modvm.api.machine.RunState;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What snapshots and migration need of the running machine; the core registers it beside the {@link Machine}, with
 * the service properties {@link #PROP_INCOMING} or {@link #PROP_LOADVM} when the command line asked for the machine
 * to start from a stream or a snapshot.
 */
@ProviderType
public interface MigratableMachine {
    /** Service property: the {@code -incoming} URI ({@code defer} waits for {@code migrate-incoming}). */
    String PROP_INCOMING = "modvm.migration.incoming";
    /** Service property: the {@code -loadvm} tag. */
    String PROP_LOADVM = "modvm.migration.loadvm";

    /** The machine. */
    Machine machine();

    /** Guest RAM, in the order both sides use. */
    List<RamBlock> ram();

    /**
     * What a destination must match before it takes any RAM: the CPU model the guest sees, RAM sizes, vCPU count,
     * the devices and their configuration.
     */
    StateRecord describe();

    /** How {@code source} (another machine's {@link #describe()}) differs from this machine: empty if it fits. */
    List<String> differences(StateRecord source);

    /**
     * Why this machine cannot migrate live now, one line for each part that stops it, naming the part and what to
     * do (a NIC whose frames a datapath outside the process writes into guest RAM, unseen by the dirty log); empty
     * if it can. {@code migrate} refuses while there is one.
     *
     * @since 1.1
     */
    default List<String> migrationBlockers() {
        return List.of();
    }

    /**
     * The state of everything but RAM: vCPUs, interrupt controllers and clock, the PCI bus, every device. The vCPUs
     * must be held ({@link Machine#hold}); the devices are quiesced here and stay so until {@link #resumeDevices()}.
     *
     * @throws StateException if a part cannot be saved, naming it
     */
    StateRecord saveState() throws StateException;

    /** Lets the devices quiesced by {@link #saveState()} run again (the migration was cancelled or failed). */
    void resumeDevices();

    /**
     * Pauses the guest as the monitor's {@code stop} does (event STOP; {@code cont} resumes it), for a stop-and-copy
     * or a snapshot. Returns true if this call paused it; false if it was stopped already, and then the caller must
     * not resume it. While {@link #showState} shows {@code finish-migrate}, {@code save-vm} or {@code restore-vm},
     * {@code cont} is refused.
     *
     * @since 1.1
     */
    boolean stopGuest();

    /**
     * The source of a completed migration: it stays paused in {@code postmigrate} with its devices quiesced, so that
     * nothing here touches what the destination now owns; a later {@code cont} lets the devices run again first.
     * With {@code handedOver} (the RAM itself went to the destination) the guest must never run here again, and
     * {@code cont} is refused.
     *
     * @since 1.1
     */
    void migrated(boolean handedOver);

    /**
     * Loads {@code state} (from {@link #saveState()} on a compatible machine) with the vCPUs held.
     *
     * @throws StateException if a record is missing, unknown or of a newer version, naming it; the machine must then
     *     not run
     */
    void restoreState(StateRecord state) throws StateException;

    /** Starts logging written pages. */
    DirtyLog startDirtyLog() throws MigrationException;

    /**
     * Shows {@code state} to the monitor ({@code query-status}) instead of the machine's own until cleared with
     * null: {@code inmigrate}, {@code postmigrate}, {@code finish-migrate}, {@code save-vm}, {@code restore-vm}.
     */
    void showState(RunState state);

    /**
     * Ends the wait a machine started with {@link #PROP_INCOMING} or {@link #PROP_LOADVM} is in: its state is loaded,
     * and the guest runs (or, under {@code -S}, waits for {@code cont}).
     */
    void incomingLoaded();

    /**
     * The incoming stream or snapshot could not be loaded: the machine prints {@code reason} as its one-line error
     * and ends with status 1, without running the half-loaded guest.
     */
    void incomingFailed(String reason);

    /**
     * The open backends of {@code kind} ({@link io.modvm.api.backend.BackendKinds}), by id: {@code savevm} looks
     * among the block nodes for the images that can hold a snapshot.
     */
    Map<String, Backend> backends(String kind);
}
