package io.modvm.devices.emulated.support;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.device.DeviceProperties;
import io.modvm.api.device.DeviceProperty;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import java.util.List;
import java.util.Map;

/**
 * A factory whose devices are built the same way new or from a predecessor's saved state (a bundle update, a
 * snapshot, a migration): {@link #create} and {@link #restore} both come to {@link #build}, which hands the state,
 * if any, to the device through {@link #restoreInto}. Every such factory declares its properties, and {@link #build}
 * reads them checked; the map forms check them as the core does.
 */
public abstract class StatefulDeviceFactory implements DeviceFactory {
    /** Reads a saved state into a device that is not yet serving the guest. */
    @FunctionalInterface
    protected interface StateReader<D> {
        void read(D device, StateRecord state) throws StateException;
    }

    @Override
    public abstract List<DeviceProperty> properties();

    @Override
    public final Device create(DeviceContext context, Map<String, String> properties) throws DeviceException {
        return build(context, checked(properties), null);
    }

    @Override
    public final Device create(DeviceContext context, DeviceProperties properties) throws DeviceException {
        return build(context, properties, null);
    }

    /** A device that goes on from {@code state}, on the same ports, lines and backends as its predecessor. */
    @Override
    public final Device restore(DeviceContext context, Map<String, String> properties, StateRecord state)
            throws DeviceException {
        return build(context, checked(properties), state);
    }

    @Override
    public final Device restore(DeviceContext context, DeviceProperties properties, StateRecord state)
            throws DeviceException {
        return build(context, properties, state);
    }

    /** {@code properties} checked against this type's declarations, as the core checks them. */
    protected final DeviceProperties checked(Map<String, String> properties) throws DeviceException {
        return DeviceProperties.parse(type(), properties(), properties);
    }

    /** Builds and wires a device; {@code state} is null for a new one. */
    protected abstract Device build(DeviceContext context, DeviceProperties properties, StateRecord state)
            throws DeviceException;

    /**
     * Gives {@code state}, unless it is null, to {@code device}; a state it cannot read (another type, a newer
     * version, a bad field) becomes the factory's refusal, "TYPE: cannot take over the saved state: why", and the
     * device is closed.
     */
    protected final <D extends Device> void restoreInto(D device, StateRecord state, StateReader<D> reader)
            throws DeviceException {
        if (state == null) {
            return;
        }
        try {
            reader.read(device, state);
        } catch (StateException e) {
            device.close();
            throw new DeviceException(type() + ": cannot take over the saved state: " + e.getMessage());
        }
    }
}
