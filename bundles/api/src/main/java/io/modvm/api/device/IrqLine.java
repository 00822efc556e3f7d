package io.modvm.api.device;

import org.osgi.annotation.versioning.ProviderType;

/** An interrupt line of the machine's interrupt controllers. */
@ProviderType
public interface IrqLine {
    /** The line's global system interrupt number. */
    int gsi();

    /** Sets the line's level (ISA devices raise while an interrupt is pending and lower once it is served). */
    void set(boolean level);

    /** A rising then falling edge. */
    default void pulse() {
        set(true);
        set(false);
    }
}
