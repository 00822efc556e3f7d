package io.modvm.core.machine;

import io.modvm.api.device.BusHandler;
import io.modvm.api.device.CharBackend;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.IrqLine;
import io.modvm.api.memory.GuestMemory;
import io.modvm.api.pci.PciFunction;
import io.modvm.api.pci.PciFunctionSpec;

/** One device's view of the machine; everything it claims is recorded under its id. */
final class MachineDeviceContext implements DeviceContext {
    private static final int GSI_COUNT = 24;

    private final VmMachine machine;
    private final String id;
    /** How many PCI functions the device plugged through this context: a restored device gets them back in order. */
    private int pciFunctions;

    MachineDeviceContext(VmMachine machine, String id) {
        this.machine = machine;
        this.id = id;
    }

    @Override
    public String deviceId() {
        return id;
    }

    @Override
    public void mapPio(int base, int length, BusHandler handler) throws DeviceException {
        try {
            machine.pio.claim(base, length, id, handler);
        } catch (IllegalArgumentException e) {
            throw new DeviceException(e.getMessage());
        }
    }

    @Override
    public void mapMmio(long base, long length, BusHandler handler) throws DeviceException {
        String conflict = machine.mmioConflict(base, length);
        if (conflict != null) {
            throw new DeviceException(String.format("MMIO range 0x%x+0x%x of %s overlaps %s", base, length, id,
                    conflict));
        }
        try {
            machine.mmio.claim(base, length, id, handler);
        } catch (IllegalArgumentException e) {
            throw new DeviceException(e.getMessage());
        }
    }

    @Override
    public PciFunction plugPci(PciFunctionSpec spec) throws DeviceException {
        return machine.plugPci(id, spec, pciFunctions++);
    }

    @Override
    public IrqLine irqLine(int gsi) throws DeviceException {
        if (gsi < 0 || gsi >= GSI_COUNT) {
            throw new DeviceException("IRQ " + gsi + " does not exist; lines 0-" + (GSI_COUNT - 1) + " do");
        }
        // The SCI is shared with the GPE block: each device drives its own source of the wired OR.
        io.modvm.core.acpi.LevelLine line = gsi == io.modvm.core.acpi.PcPlatform.SCI_IRQ ? machine.sciSource()
                : level -> machine.setIrq(gsi, level);
        return new IrqLine() {
            @Override
            public int gsi() {
                return gsi;
            }

            @Override
            public void set(boolean level) {
                line.set(level);
            }
        };
    }

    @Override
    public GuestMemory memory() {
        return machine.memory();
    }

    @Override
    public CharBackend charBackend(String spec) throws DeviceException {
        return machine.backend(spec);
    }

    @Override
    public void requestReset() {
        machine.reset();
    }

    @Override
    public void requestPowerOff() {
        machine.powerOff();
    }

    @Override
    public void requestExit(int status) {
        machine.quit(status);
    }

    @Override
    public long ramSize() {
        return machine.layout().ramSize();
    }
}
