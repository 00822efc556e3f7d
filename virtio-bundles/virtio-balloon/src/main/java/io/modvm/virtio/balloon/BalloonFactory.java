package io.modvm.virtio.balloon;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.device.DeviceProperty;
import io.modvm.virtio.balloon.auto.ProcMeminfo;
import io.modvm.virtio.pci.VirtioPciFactory;
import io.modvm.virtio.pci.VirtioPciTransport;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds {@code virtio-balloon-pci} devices: the virtio memory balloon on the PCI bus. */
@Component(service = DeviceFactory.class,
        property = {DeviceFactory.PROP_TYPE + "=" + BalloonConfig.TYPE, DeviceFactory.PROP_BUS + "=pci"})
public final class BalloonFactory extends VirtioPciFactory<BalloonDevice> {
    private static final Logger LOG = LoggerFactory.getLogger(BalloonFactory.class);

    /** Plugs a built balloon into the machine; the virtio-pci transport, or a fake in tests. */
    interface Plug {
        Device plug(DeviceContext context, BalloonDevice balloon) throws DeviceException;
    }

    private final BalloonRegistry registry;
    private final BalloonListener listener;
    private final ProcMeminfo hostMemory;
    private final Plug plug;

    @Activate
    public BalloonFactory(@Reference(name = "registry") BalloonRegistry registry,
            @Reference(name = "events") BalloonChangeEvents events) {
        this(registry, events, new ProcMeminfo(ProcMeminfo.DEFAULT), VirtioPciTransport::plug);
    }

    BalloonFactory(BalloonRegistry registry, BalloonListener listener, ProcMeminfo hostMemory, Plug plug) {
        this.registry = registry;
        this.listener = listener;
        this.hostMemory = hostMemory;
        this.plug = plug;
    }

    @Override
    public String type() {
        return BalloonConfig.TYPE;
    }

    @Override
    public String description() {
        return "virtio memory balloon (properties: deflate-on-oom, free-page-reporting, guest-stats-polling-interval;"
                + " auto=on with auto-min, auto-max, auto-interval, auto-host-reserve)";
    }

    @Override
    public List<DeviceProperty> properties() {
        return withTransportProperties(BalloonConfig.PROPERTIES);
    }

    /**
     * Builds a balloon and puts it in the registry (which refuses a second one). A restored balloon, through the
     * virtio-pci transport, keeps the target, the actual size, the latest statistics and the statistics buffer the
     * old device held, so that statistics go on.
     */
    @Override
    protected BalloonDevice newDevice(DeviceContext context, Map<String, String> properties)
            throws DeviceException {
        BalloonConfig config = BalloonConfig.parse(properties, context.ramSize());
        if (config.auto() != null) {
            checkHostMemory(hostMemory);
        }
        BalloonDevice balloon = new BalloonDevice(context.deviceId(), context.ramSize(), config, listener, hostMemory,
                registry::remove);
        registry.add(balloon);
        return balloon;
    }

    @Override
    protected Device plugNew(DeviceContext context, BalloonDevice balloon) throws DeviceException {
        return plug.plug(context, balloon);
    }

    @Override
    protected void plugged(DeviceContext context, BalloonDevice balloon) {
        LOG.debug("{}: virtio balloon plugged, {}", balloon.id(), balloon.config());
    }

    /**
     * Takes a balloon whose plug failed out of the registry. It is not closed: that would reset it, and a restored
     * balloon's reset would tell the listeners of a size change the guest never made.
     */
    @Override
    protected void discard(BalloonDevice balloon) {
        registry.remove(balloon);
    }

    private static void checkHostMemory(ProcMeminfo host) throws DeviceException {
        try {
            host.availableBytes();
        } catch (IOException e) {
            throw new DeviceException(BalloonConfig.TYPE + ": auto=on needs the host's MemAvailable from "
                    + host.file() + ", which cannot be read (" + e.getMessage() + "); use auto=off");
        }
    }
}
