package io.modvm.virtio.rng;

import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.device.DeviceProperty;
import io.modvm.virtio.pci.VirtioPciFactory;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * Builds {@code virtio-rng-pci} devices: a virtio entropy source fed from the host's /dev/urandom. The component
 * keeps the name it had as {@code VirtioRngFactory}, so that its {@code component.name} and configuration PID stay
 * what they were.
 */
@Component(name = "io.modvm.virtio.rng.VirtioRngFactory", service = DeviceFactory.class,
        property = {DeviceFactory.PROP_TYPE + "=" + RngConfig.TYPE, DeviceFactory.PROP_BUS + "=pci"})
public final class RngFactory extends VirtioPciFactory<RngDevice> {
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
    public List<DeviceProperty> properties() {
        return withTransportProperties(RngConfig.PROPERTIES);
    }

    /** A fresh entropy source; a restored device keeps the driver's queue where the old one left it. */
    @Override
    protected RngDevice newDevice(DeviceContext context, Map<String, String> properties) throws DeviceException {
        RngConfig config = RngConfig.parse(properties);
        return new RngDevice(context.deviceId(), UrandomSource.open(UrandomSource.URANDOM), config);
    }
}
