package io.modvm.core.machine;

import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.accel.EventNotifier;
import io.modvm.api.device.BusHandler;
import io.modvm.core.pci.PciHost;

/** The PCI bus's view of the machine: BARs go on the MMIO bus, bindings into whichever VM runs now. */
final class MachinePciHost implements PciHost {
    private final VmMachine machine;

    MachinePciHost(VmMachine machine) {
        this.machine = machine;
    }

    @Override
    public boolean mapMmio(long base, long length, String owner, BusHandler handler) {
        if (machine.mmioConflict(base, length) != null) {
            return false;
        }
        try {
            machine.mmio.claim(base, length, owner, handler);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public void unmapMmio(String owner) {
        machine.mmio.releaseAll(owner);
    }

    @Override
    public void fenceMmio(String owner) {
        machine.mmio.fence(owner);
    }

    @Override
    public EventNotifier createNotifier() throws AcceleratorException {
        return machine.accelerator().createNotifier();
    }

    @Override
    public <T> T withVm(VmAction<T> action) throws AcceleratorException {
        return machine.withVm(action);
    }
}
