package io.modvm.api.pci;

import org.osgi.annotation.versioning.ConsumerType;

/** Sees guest writes to a function's capabilities (offsets from the start of configuration space). */
@ConsumerType
public interface PciConfigWriter {
    /** The guest wrote the low {@code size} bytes of {@code value} at configuration-space {@code offset}. */
    void write(int offset, int size, int value);
}
