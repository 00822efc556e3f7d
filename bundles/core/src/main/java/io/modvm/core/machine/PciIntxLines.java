package io.modvm.core.machine;

import io.modvm.core.acpi.LevelLine;
import io.modvm.core.acpi.PcPlatform;
import io.modvm.core.acpi.SharedLevelLine;
import io.modvm.core.pci.PciIntxRouting;

/**
 * The four PCI INTx lines of the PC platform, GSI 16 to 19 ({@link PcPlatform#pciIntxGsi}), each a wired OR of the
 * functions (and any other device) that drive it: the interrupt controller keeps one level per input for all of
 * user space, so two functions sharing a line must not lower each other's pending interrupt.
 */
final class PciIntxLines implements PciIntxRouting {
    private final SharedLevelLine[] lines = new SharedLevelLine[PcPlatform.PCI_INTX_LINES];

    /** @param irq drives an interrupt line of the current VM */
    PciIntxLines(PcPlatformWiring.IrqSetter irq) {
        for (int i = 0; i < lines.length; i++) {
            int gsi = PcPlatform.PCI_INTX_GSI_BASE + i;
            lines[i] = new SharedLevelLine(level -> irq.set(gsi, level));
        }
    }

    /** True if {@code gsi} is one of these lines. */
    static boolean covers(int gsi) {
        return gsi >= PcPlatform.PCI_INTX_GSI_BASE && gsi < PcPlatform.PCI_INTX_GSI_BASE + PcPlatform.PCI_INTX_LINES;
    }

    /** A new source of line {@code gsi}, for a device that takes the line by number; {@link #covers} must hold. */
    LevelLine newSource(int gsi) {
        return lines[gsi - PcPlatform.PCI_INTX_GSI_BASE].newSource();
    }

    @Override
    public int gsi(int slot, int pin) {
        return PcPlatform.pciIntxGsi(slot, pin);
    }

    @Override
    public LevelLine newSource(int slot, int pin) {
        return newSource(gsi(slot, pin));
    }

    @Override
    public void release(LevelLine source) {
        for (SharedLevelLine line : lines) {
            line.release(source);
        }
    }
}
