package io.modvm.core.devices;

import io.modvm.api.device.DeviceFactory;
import io.modvm.core.bus.IoBus;
import java.util.List;

/**
 * Where one plugged device sits, for the monitor's device tree: its id and type, the factory that built it, whether
 * it is parked for a hot-swap (waiting for a new factory of its type), the PCI slots its functions fill, and the
 * port and MMIO ranges it claimed directly.
 */
public record PluggedDevice(String id, String type, DeviceFactory factory, boolean parked, List<Integer> pciSlots,
        List<IoBus.Range> ports, List<IoBus.Range> mmio) {
    public PluggedDevice {
        pciSlots = List.copyOf(pciSlots);
        ports = List.copyOf(ports);
        mmio = List.copyOf(mmio);
    }
}
