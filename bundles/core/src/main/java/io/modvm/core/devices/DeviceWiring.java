package io.modvm.core.devices;

import io.modvm.api.device.DeviceException;
import io.modvm.api.device.IrqLine;
import io.modvm.api.memory.GuestMemory;
import io.modvm.core.bus.IoBus;
import io.modvm.core.pci.PciRootBus;

/** What the machine offers the devices plugged into it: its buses, interrupt lines, RAM, backends and controls. */
public interface DeviceWiring {
    IoBus pio();

    IoBus mmio();

    /** What {@code [base, base + length)} would shadow ("guest RAM", "the interrupt controller at ..."), or null. */
    String mmioConflict(long base, long length);

    PciRootBus pci();

    /** Interrupt line {@code gsi}. */
    IrqLine irqLine(int gsi) throws DeviceException;

    /** Guest RAM of the current run. */
    GuestMemory memory();

    long ramSize();

    /** The backends devices take and open. */
    DeviceBackends backends();

    void requestReset();

    void requestPowerOff();

    void requestExit(int status);

    /** True once the vCPUs have first run: from then on PCI plugs and unplugs are announced to the guest. */
    boolean guestStarted();
}
