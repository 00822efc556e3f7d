package io.modvm.virtio.pci;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.device.DeviceProperty;
import io.modvm.api.state.StateRecord;
import io.modvm.virtio.device.VirtioDevice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The {@link DeviceFactory} of a virtio device on PCI: what {@code create} and {@code restore} share. A subclass
 * builds its {@link VirtioDevice} from the {@code -device} properties in {@link #newDevice}; this class plugs it as
 * a new PCI function ({@link VirtioPciTransport#plug}) or as one that takes over a saved device ({@link
 * VirtioPciTransport#restore}), and closes it again if that fails, so that nothing the device opened (an image, a
 * host file) outlives a failed plug.
 *
 * <p>A new device's factory is then a DS component with the type and bus properties and two methods:
 *
 * <pre>{@code
 * // Annotated @Component(service = DeviceFactory.class,
 * //         property = {DeviceFactory.PROP_TYPE + "=virtio-foo-pci", DeviceFactory.PROP_BUS + "=pci"})
 * public final class FooFactory extends VirtioPciFactory<FooDevice> {
 *     public String type() { return "virtio-foo-pci"; }
 *     public String description() { return "virtio foo device (properties: ...)"; }
 *     protected FooDevice newDevice(DeviceContext context, Map<String, String> properties) throws DeviceException {
 *         return new FooDevice(context.deviceId(), FooConfig.parse(properties));
 *     }
 * }
 * }</pre>
 *
 * <p>The hooks {@link #plugNew}, {@link #plugged} and {@link #discard} cover what some devices need besides: a
 * backend attached once the function exists, a registry to leave on failure, a fake transport in tests.
 *
 * @param <D> the device class
 * @since 1.2
 */
@ConsumerType
public abstract class VirtioPciFactory<D extends VirtioDevice> implements DeviceFactory {
    protected VirtioPciFactory() {
    }

    /**
     * Builds an unplugged device from the properties of {@code -device} (or of the saved device's configuration,
     * for a restore). If this throws, it must leave nothing open; once it returns, the device is plugged or, on
     * failure, {@link #discard discarded}.
     *
     * @throws DeviceException with a one-line message naming the bad property and what it accepts, or the host
     *     resource that could not be opened
     */
    protected abstract D newDevice(DeviceContext context, Map<String, String> properties) throws DeviceException;

    /**
     * Builds the device and plugs it as a new PCI function, with the interfaces {@link VirtioPciMode#PROPERTIES} ask
     * for; those two properties are the transport's and are not passed to {@link #newDevice}.
     */
    @Override
    public Device create(DeviceContext context, Map<String, String> properties) throws DeviceException {
        D device = newDevice(context, deviceProperties(properties));
        Device plugged;
        try {
            VirtioPciMode mode = VirtioPciMode.of(type(), device.deviceType(), properties);
            plugged = plugNew(context, device, mode);
        } catch (DeviceException | RuntimeException e) {
            discard(device);
            throw e;
        }
        plugged(context, device);
        return plugged;
    }

    /**
     * {@code declared} and the transport's {@link VirtioPciMode#PROPERTIES}: what a subclass's {@link
     * #properties()} returns, so that the core accepts {@code disable-legacy} and {@code disable-modern} on every
     * virtio-pci device.
     *
     * @since 1.3
     */
    protected static List<DeviceProperty> withTransportProperties(List<DeviceProperty> declared) {
        List<DeviceProperty> all = new ArrayList<>(declared);
        all.addAll(VirtioPciMode.PROPERTIES);
        return List.copyOf(all);
    }

    /** {@code properties} without the transport's own. */
    private static Map<String, String> deviceProperties(Map<String, String> properties) {
        Map<String, String> rest = new LinkedHashMap<>(properties);
        rest.remove(VirtioPciMode.DISABLE_LEGACY);
        rest.remove(VirtioPciMode.DISABLE_MODERN);
        return rest;
    }

    /**
     * Builds the device and plugs it in place of one whose state was saved, on the PCI function the old instance
     * held: the transport's registers and rings continue, and the device gets its own record ({@link
     * VirtioDevice#restoreState}). A state this device cannot read is refused with a {@link DeviceException}.
     */
    @Override
    public Device restore(DeviceContext context, Map<String, String> properties, StateRecord state)
            throws DeviceException {
        Objects.requireNonNull(state, "state");
        return plug(context, newDevice(context, deviceProperties(properties)), state);
    }

    /**
     * Plugs a new device in its default mode; by default through the virtio-pci transport ({@link
     * VirtioPciTransport#plug}). Tests override it to plug into a fake machine.
     */
    protected Device plugNew(DeviceContext context, D device) throws DeviceException {
        return VirtioPciTransport.plug(context, device);
    }

    /**
     * Plugs a new device offering the interfaces {@code mode} names. The default passes a device in its default mode
     * ({@link VirtioPciMode#defaultFor}) to {@link #plugNew(DeviceContext, VirtioDevice)}, so that a subclass that
     * overrides that still plugs every device given no mode, and plugs others through {@link
     * VirtioPciTransport#plug(DeviceContext, VirtioDevice, VirtioPciMode)}.
     *
     * @since 1.3
     */
    protected Device plugNew(DeviceContext context, D device, VirtioPciMode mode) throws DeviceException {
        if (mode == VirtioPciMode.defaultFor(device.deviceType())) {
            return plugNew(context, device);
        }
        return VirtioPciTransport.plug(context, device, mode);
    }

    /**
     * Called once the device is plugged or restored, before it is returned to the machine: the place to connect it
     * to what feeds it (a character backend). The default does nothing.
     */
    protected void plugged(DeviceContext context, D device) {
    }

    /** Lets go of a device whose plug failed; by default {@link VirtioDevice#close()}. */
    protected void discard(D device) {
        device.close();
    }

    /** Plugs {@code device} in place of the one that saved {@code state}, in the mode that one had. */
    private Device plug(DeviceContext context, D device, StateRecord state) throws DeviceException {
        Device plugged;
        try {
            plugged = VirtioPciTransport.restore(context, device, state);
        } catch (DeviceException | RuntimeException e) {
            discard(device);
            throw e;
        }
        plugged(context, device);
        return plugged;
    }
}
