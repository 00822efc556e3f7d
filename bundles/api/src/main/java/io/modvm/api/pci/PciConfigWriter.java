package io.modvm.api.pci;

import org.osgi.annotation.versioning.ConsumerType;

/** Sees guest writes to a function's capabilities (offsets from the start of configuration space). */
@ConsumerType
public interface PciConfigWriter {
    void write(int offset, int size, int value);
}
