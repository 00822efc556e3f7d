package io.modvm.devices.emulated.e1000;

import io.modvm.api.accel.Accelerator;
import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.accel.EventNotifier;
import io.modvm.api.backend.BackendKinds;
import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.device.DeviceProperties;
import io.modvm.api.device.DeviceProperty;
import io.modvm.api.net.NetworkBackend;
import io.modvm.api.net.Nic;
import io.modvm.api.pci.PciBar;
import io.modvm.api.pci.PciFunction;
import io.modvm.api.pci.PciFunctionSpec;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.devices.emulated.support.StatefulDeviceFactory;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Builds {@code e1000} devices: an Intel 82540EM on PCI (8086:100e, revision 3, subsystem 1af4:1100 as QEMU's),
 * with its 128 KiB register BAR and INTA#, on the network backend {@code netdev=} names. Each device is registered as
 * a {@link Nic} service while it exists, for {@code info network}, {@code set_link} and {@code query-rx-filter}. A
 * device restored after an update of this bundle takes the same backend and PCI function again and goes on from the
 * saved registers.
 *
 * <p>The ring threads wait on eventfds from the accelerator service, so that a wait on a tap's descriptor wakes at
 * once for the driver too.
 */
@Component(service = DeviceFactory.class,
        property = {DeviceFactory.PROP_TYPE + "=" + E1000Device.MODEL, DeviceFactory.PROP_BUS + "=pci"})
public final class E1000Factory extends StatefulDeviceFactory {
    static final int VENDOR_ID = 0x8086;
    static final int DEVICE_ID = 0x100E;
    static final int REVISION = 3;
    static final int CLASS_ETHERNET = 0x020000;
    static final int SUBSYSTEM_VENDOR_ID = 0x1AF4;
    static final int SUBSYSTEM_ID = 0x1100;

    private final BundleContext bundleContext;
    private final Accelerator accelerator;
    private final Map<E1000Device, ServiceRegistration<Nic>> registrations = new ConcurrentHashMap<>();

    /** @param accelerator makes the eventfds the ring threads wait on, with the backend's descriptor */
    @Activate
    public E1000Factory(BundleContext bundleContext, @Reference(name = "accelerator") Accelerator accelerator) {
        this.bundleContext = bundleContext;
        this.accelerator = accelerator;
    }

    @Override
    public String type() {
        return E1000Device.MODEL;
    }

    @Override
    public String description() {
        return "Intel 82540EM Gigabit Ethernet (properties: netdev, mac; QEMU's romfile, bootindex, addr, "
                + "autonegotiation and mitigation are accepted)";
    }

    @Override
    public String category() {
        return "network";
    }

    @Override
    public List<DeviceProperty> properties() {
        return E1000Config.PROPERTIES;
    }

    /** The PCI function of every e1000: IDs, BAR 0 of 128 KiB served by {@code registers}, INTA#. */
    static PciFunctionSpec spec(E1000Device registers) {
        return new PciFunctionSpec(VENDOR_ID, DEVICE_ID, REVISION, CLASS_ETHERNET, SUBSYSTEM_VENDOR_ID, SUBSYSTEM_ID,
                List.of(new PciBar(0, E1000Registers.BAR_SIZE, false, registers)), List.of(), 0, 0, 0, null,
                PciFunctionSpec.INTA);
    }

    @Override
    protected Device build(DeviceContext context, DeviceProperties properties, StateRecord state)
            throws DeviceException {
        String id = context.deviceId();
        E1000Config config = E1000Config.parse(id, properties);
        NetworkBackend backend = context.backend(BackendKinds.NETDEV, config.netdev(), NetworkBackend.class);
        if (backend != null && backend.vnetHeader()) {
            try {
                // Frames come and go plain: this NIC finishes its offloads itself.
                backend.setOffloads(0);
            } catch (java.io.IOException e) {
                throw new DeviceException(E1000Device.MODEL + ": netdev '" + config.netdev()
                        + "' refused to send frames without offloads (" + e.getMessage() + ")");
            }
        }
        EventNotifier transmitWake = notifier();
        EventNotifier receiveWake;
        try {
            receiveWake = notifier();
        } catch (DeviceException e) {
            transmitWake.close();
            throw e;
        }
        E1000Device device = new E1000Device(id, config, backend, context::memory, transmitWake, receiveWake,
                timer(id));
        try {
            if (state != null) {
                device.restoreState(state);
            }
            PciFunction function = context.plugPci(spec(device));
            device.attach(function);
            if (state != null) {
                device.restoreInterrupts(state);
            }
        } catch (StateException e) {
            device.close();
            throw new DeviceException(E1000Device.MODEL + ": cannot take over the saved state: " + e.getMessage());
        } catch (DeviceException | RuntimeException e) {
            device.close();
            throw e;
        }
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Nic.PROP_ID, id);
        registrations.put(device, bundleContext.registerService(Nic.class, device, props));
        device.onClose(() -> closed(device));
        device.start();
        return device;
    }

    private EventNotifier notifier() throws DeviceException {
        try {
            return accelerator.createNotifier();
        } catch (AcceleratorException e) {
            throw new DeviceException(E1000Device.MODEL + ": no eventfd for the ring threads: " + e.getMessage());
        }
    }

    private static ScheduledExecutorService timer(String id) {
        return Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, E1000Device.MODEL + " " + id + " interrupt throttle");
            t.setDaemon(true);
            return t;
        });
    }

    void closed(E1000Device device) {
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
}
