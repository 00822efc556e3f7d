package io.modvm.api.device;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Serves guest accesses to a port or MMIO range. Offsets are relative to the start of the range. Called on vCPU
 * threads; must not throw for anything the guest does.
 */
@ConsumerType
public interface BusHandler {
    /** Returns the value read; only the low {@code size} bytes are used. */
    long read(long offset, int size);

    /** Takes a guest write; only the low {@code size} bytes of {@code value} are meaningful. */
    void write(long offset, int size, long value);
}
