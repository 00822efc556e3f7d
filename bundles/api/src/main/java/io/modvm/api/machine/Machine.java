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

    /** Presses the power button, if the machine has one; returns false if it has none. */
    boolean powerDown();

    /** A hard reset, as the reset button. */
    void reset();

    /** Ends the machine; the VMM exits with {@code status}. */
    void quit(int status);
}
