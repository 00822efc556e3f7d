package io.modvm.virtio.rng;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.state.StateRecord;
import io.modvm.virtio.pci.VirtioPciTransport;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/** Builds {@code virtio-rng-pci} devices: a virtio entropy source fed from the host's /dev/urandom. */
@Component(service = DeviceFactory.class,
        property = {DeviceFactory.PROP_TYPE + "=" + RngConfig.TYPE, DeviceFactory.PROP_BUS + "=pci"})
public final class VirtioRngFactory implements DeviceFactory {
    @Override
    public String type() {
        return RngConfig.TYPE;
    }

    @Override
    public String description() {
        return "virtio entropy device fed from the host's /dev/urandom (properties: max-bytes, period in ms; "
                + "default unlimited)";
    }

    @Override
    public Device create(DeviceContext context, Map<String, String> properties) throws DeviceException {
        return build(context, properties, null);
    }

    /** Takes over a device saved by this or an earlier version; a fresh entropy source, the driver's queue kept. */
    @Override
    public Device restore(DeviceContext context, Map<String, String> properties, StateRecord state)
            throws DeviceException {
        return build(context, properties, state);
    }

    /** Builds a device and plugs it new, or with {@code state} restores it. */
    private static Device build(DeviceContext context, Map<String, String> properties, StateRecord state)
            throws DeviceException {
        RngConfig config = RngConfig.parse(properties);
        UrandomSource source = UrandomSource.open(UrandomSource.URANDOM);
        VirtioRng rng = new VirtioRng(context.deviceId(), source, config);
        try {
            return VirtioPciTransport.plugOrRestore(context, rng, state);
        } catch (DeviceException | RuntimeException e) {
            rng.close();
            throw e;
        }
    }
}
