package io.modvm.core.devices;

import io.modvm.api.backend.BackendKinds;
import io.modvm.api.device.BusHandler;
import io.modvm.api.device.CharBackend;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.IrqLine;
import io.modvm.api.memory.GuestMemory;
import io.modvm.api.pci.PciFunction;
import io.modvm.api.pci.PciFunctionSpec;
import java.util.Map;

/** One device's view of the machine; everything it claims is recorded under its id. */
final class MachineDeviceContext implements DeviceContext {
    private final DeviceWiring wiring;
    private final DeviceTable table;
    private final String id;
    private final String type;
    /** How many PCI functions the device plugged through this context: a restored device gets them back in order. */
    private int pciFunctions;

    /** @param type the device's type, which errors about its properties name */
    MachineDeviceContext(DeviceWiring wiring, DeviceTable table, String id, String type) {
        this.wiring = wiring;
        this.table = table;
        this.id = id;
        this.type = type;
    }

    @Override
    public String deviceId() {
        return id;
    }

    @Override
    public void mapPio(int base, int length, BusHandler handler) throws DeviceException {
        try {
            wiring.pio().claim(base, length, id, handler);
        } catch (IllegalArgumentException e) {
            throw new DeviceException(e.getMessage());
        }
    }

    @Override
    public void mapMmio(long base, long length, BusHandler handler) throws DeviceException {
        String conflict = wiring.mmioConflict(base, length);
        if (conflict != null) {
            throw new DeviceException(String.format("MMIO range 0x%x+0x%x of %s overlaps %s", base, length, id,
                    conflict));
        }
        try {
            wiring.mmio().claim(base, length, id, handler);
        } catch (IllegalArgumentException e) {
            throw new DeviceException(e.getMessage());
        }
    }

    @Override
    public PciFunction plugPci(PciFunctionSpec spec) throws DeviceException {
        return table.plugPci(id, spec, pciFunctions++);
    }

    @Override
    public IrqLine irqLine(int gsi) throws DeviceException {
        return wiring.irqLine(gsi);
    }

    @Override
    public GuestMemory memory() {
        return wiring.memory();
    }

    @Override
    @Deprecated
    public CharBackend charBackend(String spec) throws DeviceException {
        return backend(BackendKinds.CHARDEV, spec, CharBackend.class);
    }

    @Override
    public <B> B backend(String kind, String reference, Class<B> as) throws DeviceException {
        return wiring.backends().take(kind, reference, as, id, type);
    }

    @Override
    public <B> B openBackend(String kind, String backendType, Map<String, String> properties, Class<B> as)
            throws DeviceException {
        return wiring.backends().open(kind, backendType, properties, as, id);
    }

    @Override
    public void requestReset() {
        wiring.requestReset();
    }

    @Override
    public void requestPowerOff() {
        wiring.requestPowerOff();
    }

    @Override
    public void requestExit(int status) {
        wiring.requestExit(status);
    }

    @Override
    public long ramSize() {
        return wiring.ramSize();
    }
}
