package io.modvm.core.devices;

import io.modvm.api.device.DeviceFactory;
import io.modvm.core.bus.IoBus;
import java.util.List;

/**
 * Where one plugged device sits, for the monitor's device tree: its id and type, the factory that built it, the PCI
 * slots its functions fill, and the port and MMIO ranges it claimed directly.
 */
public record PluggedDevice(String id, String type, DeviceFactory factory, List<Integer> pciSlots,
        List<IoBus.Range> ports, List<IoBus.Range> mmio) {
    public PluggedDevice {
        pciSlots = List.copyOf(pciSlots);
        ports = List.copyOf(ports);
        mmio = List.copyOf(mmio);
    }
}
