package io.modvm.core.machine;

import io.modvm.api.accel.Accelerator;
import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.accel.EventNotifier;
import io.modvm.api.device.BusHandler;
import io.modvm.core.bus.IoBus;
import io.modvm.core.pci.PciHost;

/** The PCI bus's view of the machine: BARs go on the MMIO or the port bus, bindings into whichever VM runs now. */
final class MachinePciHost implements PciHost {
    private final GuestRam ram;
    private final IoBus mmio;
    private final IoBus pio;
    private final Accelerator accelerator;
    private final CurrentVm vm;

    MachinePciHost(GuestRam ram, IoBus mmio, IoBus pio, Accelerator accelerator, CurrentVm vm) {
        this.ram = ram;
        this.mmio = mmio;
        this.pio = pio;
        this.accelerator = accelerator;
        this.vm = vm;
    }

    @Override
    public boolean mapMmio(long base, long length, String owner, BusHandler handler) {
        if (ram.mmioConflict(base, length) != null) {
            return false;
        }
        try {
            mmio.claim(base, length, owner, handler);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public void unmapMmio(String owner) {
        mmio.releaseAll(owner);
    }

    @Override
    public boolean mapIo(long base, long length, String owner, BusHandler handler) {
        try {
            pio.claim(base, length, owner, handler);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public void unmapIo(String owner) {
        pio.releaseAll(owner);
    }

    @Override
    public void fenceMmio(String owner) {
        mmio.fence(owner);
        // Its I/O BARs too: the guest must not reach a failed device through either space.
        pio.fence(owner);
    }

    @Override
    public EventNotifier createNotifier() throws AcceleratorException {
        return accelerator.createNotifier();
    }

    @Override
    public <T> T withVm(VmAction<T> action) throws AcceleratorException {
        return vm.with(action);
    }
}
