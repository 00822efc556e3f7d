package io.modvm.core.pci;

import io.modvm.core.acpi.LevelLine;

/**
 * Where the legacy interrupt pins of the bus's functions go: each pin of each slot is wired to one interrupt
 * controller input, which several functions may share as a wired OR (level-triggered, as PCI INTx is).
 */
public interface PciIntxRouting {
    /** The global system interrupt that pin {@code pin} (1 = INTA# to 4 = INTD#) of {@code slot} drives. */
    int gsi(int slot, int pin);

    /** A new source of that line, low until it is set; {@link #release} it when the function goes. */
    LevelLine newSource(int slot, int pin);

    /** Takes {@code source} off its line, lowering the line if it was the one holding it high. */
    void release(LevelLine source);
}
