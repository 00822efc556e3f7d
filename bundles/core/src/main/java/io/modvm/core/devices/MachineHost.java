package io.modvm.core.devices;

import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.state.StateRecord;
import io.modvm.core.machine.VmMachine;
import java.util.Map;

/**
 * A {@link VmMachine} as the device manager's host: a plug is announced to a running guest through ACPI PCI hotplug,
 * an {@link #unplug} asks the guest to eject the slot first, an {@link #unplugNow} does not ask; {@link #park} and
 * {@link #restore} carry a device across an update of its bundle.
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
        return machine.requestUnplug(id, gone);
    }

    @Override
    public StateRecord park(String id) {
        return machine.park(id);
    }

    @Override
    public void restore(String id, DeviceFactory factory, Map<String, String> properties, StateRecord state)
            throws DeviceException {
        machine.restore(id, factory, properties, state);
    }

    @Override
    public boolean discardParked(String id, Runnable gone) {
        return machine.discardParked(id, gone);
    }

    @Override
    public boolean unplugNow(String id, Runnable gone) {
        if (!machine.unplug(id)) {
            return false;
        }
        gone.run();
        return true;
    }
}
