package io.modvm.api.pci;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Registers a function defines in its own part of configuration space: the device-specific area from the end of its
 * capability list (or 0x40, without capabilities) to 0xFF, such as a chipset function's timing and enable registers
 * (the PIIX IDE function's IDETIM at 0x40). Called on vCPU threads; a call that throws fences the function, as a
 * {@link PciConfigWriter} that throws does.
 *
 * @since 1.3
 */
@ConsumerType
public interface PciConfigRegisters {
    /** The 32-bit register at {@code offset}, a multiple of 4 inside the device-specific area. */
    int read(int offset);

    /** The guest wrote the low {@code size} bytes of {@code value} at configuration-space {@code offset}. */
    void write(int offset, int size, int value);
}
