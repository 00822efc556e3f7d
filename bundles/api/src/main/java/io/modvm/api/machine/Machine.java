package io.modvm.api.machine;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A running machine, registered as a service while it exists so that monitors and migration can drive it.
 */
@ProviderType
public interface Machine {
    /** The guest name ({@code -name}). */
    String name();

    /** Where the machine is now. */
    RunState state();

    /** Stops every vCPU; returns once none is in guest mode. */
    void pause();

    /** Lets the vCPUs run again. */
    void resume();

    /**
     * Pauses every vCPU until the returned hold is released: the one primitive behind the monitor's {@code stop},
     * a device hot-swap, a snapshot and a migration, which may overlap without one resuming what another paused.
     * Returns once no vCPU is in guest mode, or after {@code maxWaitMillis} if one has still not stopped (it is then
     * logged). Unlike {@link #pause()}, a hold announces nothing to the monitor.
     *
     * @param reason for the log: what the pause is for
     * @since 1.2
     */
    PauseHold hold(String reason, long maxWaitMillis);

    /** Presses the power button, if the machine has one; returns false if it has none. */
    boolean powerDown();

    /** A hard reset, as the reset button. */
    void reset();

    /** Ends the machine; the VMM exits with {@code status}. */
    void quit(int status);
}
