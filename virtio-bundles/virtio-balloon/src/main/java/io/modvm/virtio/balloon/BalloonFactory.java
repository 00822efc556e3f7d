package io.modvm.virtio.balloon;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.state.StateRecord;
import io.modvm.virtio.balloon.auto.ProcMeminfo;
import io.modvm.virtio.pci.VirtioPciTransport;
import java.io.IOException;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds {@code virtio-balloon-pci} devices: the virtio memory balloon on the PCI bus. */
@Component(service = DeviceFactory.class,
        property = {DeviceFactory.PROP_TYPE + "=" + BalloonOptions.TYPE, DeviceFactory.PROP_BUS + "=pci"})
public final class BalloonFactory implements DeviceFactory {
    private static final Logger LOG = LoggerFactory.getLogger(BalloonFactory.class);

    /** Plugs a built balloon into the machine; the virtio-pci transport, or a fake in tests. */
    interface Plug {
        Device plug(DeviceContext context, VirtioBalloon balloon) throws DeviceException;
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
        return BalloonOptions.TYPE;
    }

    @Override
    public String description() {
        return "virtio memory balloon (properties: deflate-on-oom, free-page-reporting, guest-stats-polling-interval;"
                + " auto=on with auto-min, auto-max, auto-interval, auto-host-reserve)";
    }

    @Override
    public Device create(DeviceContext context, Map<String, String> properties) throws DeviceException {
        return build(context, properties, null);
    }

    /**
     * Takes over a balloon saved by this or an earlier version through the virtio-pci transport: same target,
     * same actual size, the latest statistics, and the statistics buffer the old device held, so that statistics
     * go on.
     */
    @Override
    public Device restore(DeviceContext context, Map<String, String> properties, StateRecord state)
            throws DeviceException {
        return build(context, properties, state);
    }

    /** Builds a balloon and plugs it new, or with {@code state} restores it through the virtio-pci transport. */
    private Device build(DeviceContext context, Map<String, String> properties, StateRecord state)
            throws DeviceException {
        BalloonOptions options = BalloonOptions.parse(properties, context.ramSize());
        if (options.auto() != null) {
            checkHostMemory(hostMemory);
        }
        String id = context.deviceId();
        VirtioBalloon balloon = new VirtioBalloon(id, context.ramSize(), options, listener, hostMemory,
                registry::remove);
        registry.add(balloon);
        try {
            Device device = state == null ? plug.plug(context, balloon)
                    : VirtioPciTransport.restore(context, balloon, state);
            LOG.debug("{}: virtio balloon plugged, {}", id, options);
            return device;
        } catch (DeviceException | RuntimeException e) {
            registry.remove(balloon);
            throw e;
        }
    }

    private static void checkHostMemory(ProcMeminfo host) throws DeviceException {
        try {
            host.availableBytes();
        } catch (IOException e) {
            throw new DeviceException(BalloonOptions.TYPE + ": auto=on needs the host's MemAvailable from "
                    + host.file() + ", which cannot be read (" + e.getMessage() + "); use auto=off");
        }
    }
}
