package io.modvm.core.devices;

import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.core.machine.VmMachine;
import java.util.Map;

/**
 * A {@link VmMachine} as the device manager's host. The machine has no PCI hotplug controller yet, so an unplug
 * happens at once and the guest is not told; once ACPI hotplug exists, {@link #unplug} asks the guest to eject the
 * slot and runs {@code gone} from the eject callback, and {@link #plug} announces the new slot.
 */
public final class MachineHost implements DeviceHost {
    private final VmMachine machine;

    public MachineHost(VmMachine machine) {
        this.machine = machine;
    }

    @Override
    public void plug(String id, DeviceFactory factory, Map<String, String> properties) throws DeviceException {
        machine.plug(id, factory, properties);
    }

    @Override
    public boolean unplug(String id, Runnable gone) {
        if (!machine.unplug(id)) {
            return false;
        }
        gone.run();
        return true;
    }
}
