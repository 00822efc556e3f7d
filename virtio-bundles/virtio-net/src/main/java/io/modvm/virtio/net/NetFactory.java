package io.modvm.virtio.net;

import io.modvm.api.backend.BackendKinds;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.device.DeviceProperty;
import io.modvm.api.monitor.MonitorEvents;
import io.modvm.api.monitor.QmpEvents;
import io.modvm.api.net.NetworkBackend;
import io.modvm.api.net.Nic;
import io.modvm.virtio.pci.VirtioPciFactory;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds {@code virtio-net-pci} devices on the network backend {@code netdev=} names, and registers each as a
 * {@link Nic} service while it exists, for the monitor's {@code info network}, {@code set_link} and
 * {@code query-rx-filter}. A restored device takes the same backend again and goes on with the saved MAC, filter,
 * offloads and receive buffers.
 */
@Component(service = DeviceFactory.class,
        property = {DeviceFactory.PROP_TYPE + "=" + NetConfig.TYPE, DeviceFactory.PROP_BUS + "=pci"})
public final class NetFactory extends VirtioPciFactory<NetDevice> {
    private static final Logger LOG = LoggerFactory.getLogger(NetFactory.class);

    private final BundleContext bundleContext;
    private final Map<NetDevice, ServiceRegistration<Nic>> registrations = new ConcurrentHashMap<>();
    private volatile MonitorEvents events;

    @Activate
    public NetFactory(BundleContext bundleContext) {
        this.bundleContext = bundleContext;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setEvents(MonitorEvents monitorEvents) {
        this.events = monitorEvents;
    }

    void unsetEvents(MonitorEvents monitorEvents) {
        if (this.events == monitorEvents) {
            this.events = null;
        }
    }

    @Override
    public String type() {
        return NetConfig.TYPE;
    }

    @Override
    public String description() {
        return "virtio network card (properties: netdev, mac, mq, vectors, host_mtu, and QEMU's feature switches: "
                + "csum, guest_tso4, mrg_rxbuf, ctrl_vq, ...)";
    }

    @Override
    public List<DeviceProperty> properties() {
        return withTransportProperties(NetConfig.PROPERTIES);
    }

    @Override
    public String category() {
        return "network";
    }

    @Override
    protected NetDevice newDevice(DeviceContext context, Map<String, String> properties) throws DeviceException {
        NetConfig config = NetConfig.parse(context.deviceId(), properties);
        NetworkBackend backend = context.backend(BackendKinds.NETDEV, config.netdev(), NetworkBackend.class);
        NetDevice device = new NetDevice(context.deviceId(), config, backend);
        device.onFilterChanged(this::filterChanged);
        return device;
    }

    /** Registers the device as a NIC while it exists; its {@link NetDevice#close()} is when it stops existing. */
    @Override
    protected void plugged(DeviceContext context, NetDevice device) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Nic.PROP_ID, device.id());
        registrations.put(device, bundleContext.registerService(Nic.class, device, props));
        device.onClose(() -> closed(device));
    }

    void closed(NetDevice device) {
        ServiceRegistration<Nic> r = registrations.remove(device);
        if (r != null) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle stopped first, which unregistered it
            }
        }
    }

    @Deactivate
    void deactivate() {
        registrations.keySet().forEach(this::closed);
    }

    private void filterChanged(Nic nic) {
        MonitorEvents sink = events;
        if (sink == null) {
            return;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("name", nic.id());
        data.put("path", "/machine/peripheral/" + nic.id() + "/virtio-backend");
        try {
            sink.emit(QmpEvents.NIC_RX_FILTER_CHANGED, data);
        } catch (RuntimeException e) {
            LOG.warn("{}: could not emit {}: {}", nic.id(), QmpEvents.NIC_RX_FILTER_CHANGED, e.toString());
        }
    }
}
