package io.modvm.core.machine;

import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.core.acpi.AcpiGpe;
import io.modvm.core.acpi.LevelLine;
import io.modvm.core.acpi.PcPlatform;
import io.modvm.core.acpi.SharedLevelLine;
import io.modvm.core.bus.IoBus;
import io.modvm.core.pci.PciHost;
import io.modvm.core.pci.PciRootBus;

/**
 * The parts of the PC platform the core itself serves, wired to the port bus: the PCI root bus behind 0xCF8/0xCFC
 * with its INTx lines (GSI 16 to 19), the GPE0 block, the ACPI PCI hotplug registers, and the SCI (IRQ 9) that
 * acpi-pm and the GPE block share as a wired OR. The firmware tables describe exactly these.
 */
final class PcPlatformWiring {
    private final SharedLevelLine sci;
    private final PciIntxLines intx;
    private final AcpiGpe gpe;
    private final PciRootBus pci;

    /** @param irq drives an interrupt line of the current VM */
    PcPlatformWiring(IoBus pio, PciHost pciHost, IrqSetter irq) {
        this.sci = new SharedLevelLine(level -> irq.set(PcPlatform.SCI_IRQ, level));
        this.gpe = new AcpiGpe(sci.newSource());
        this.intx = new PciIntxLines(irq);
        this.pci = new PciRootBus(pciHost, intx, PcPlatform.PCI_HOLE_START, PcPlatform.PCI_HOLE_END);
        pio.claimShared(PciRootBus.CONFIG_ADDRESS_PORT, 1, "pci", pci.addressPort());
        pio.claimShared(PciRootBus.CONFIG_DATA_PORT, 4, "pci", pci.dataPort());
        pio.claimShared(PcPlatform.GPE0_BLOCK_PORT, PcPlatform.GPE0_BLOCK_LENGTH, "gpe0", gpe.registers());
        pio.claimShared(PcPlatform.PCI_HOTPLUG_PORT, PcPlatform.PCI_HOTPLUG_LENGTH, "pci-hotplug",
                pci.hotplug().registers());
        pci.hotplug().connect(gpe);
    }

    /** Drives an interrupt line by GSI. */
    @FunctionalInterface
    interface IrqSetter {
        void set(int gsi, boolean level);
    }

    PciRootBus pci() {
        return pci;
    }

    /**
     * A source of the line {@code gsi} for a device that takes it by number, where the platform shares that line
     * (the SCI, the PCI INTx lines); null for a line only that device drives.
     */
    LevelLine sharedSource(int gsi) {
        if (gsi == PcPlatform.SCI_IRQ) {
            return sci.newSource();
        }
        return PciIntxLines.covers(gsi) ? intx.newSource(gsi) : null;
    }

    /** The type of {@link #saveState()}'s record. */
    static final String STATE_TYPE = "pc-platform";
    static final int STATE_VERSION = 1;

    /**
     * The platform parts the core serves, as the guest left them: a {@value #STATE_TYPE} record of the PCI bus
     * ({@code pci}: configuration address, each function's registers, BARs and MSI-X, the hotplug registers) and
     * the GPE0 block ({@code gpe}). The shared lines (SCI, PCI INTx) follow from their sources' levels.
     */
    StateRecord saveState() {
        return StateRecord.builder(STATE_TYPE, STATE_VERSION).put("pci", pci.saveState()).put("gpe", gpe.saveState())
                .build();
    }

    /** Puts back what {@link #saveState} saved; the PCI bus must hold the same devices in the same slots. */
    void restoreState(StateRecord r) throws StateException {
        r.require(STATE_TYPE, 1, STATE_VERSION);
        StateRecord gpeState = r.getRecord("gpe");
        pci.restoreState(r.getRecord("pci"));
        gpe.restoreState(gpeState);
    }

    /**
     * Back to power-on state while the old VM still exists: a removal the guest never ejected completes here (its
     * eject listener runs), then the GPE block clears.
     */
    void reset() {
        pci.reset();
        gpe.reset();
    }
}
