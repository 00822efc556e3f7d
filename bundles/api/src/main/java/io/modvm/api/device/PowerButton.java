package io.modvm.api.device;

import org.osgi.annotation.versioning.ConsumerType;

/** Implemented by a device that gives the guest a power button (ACPI); the monitor's system_powerdown presses it. */
@ConsumerType
public interface PowerButton {
    /** Presses the button once; the guest decides what to do about it (usually an orderly power-off). */
    void press();
}
