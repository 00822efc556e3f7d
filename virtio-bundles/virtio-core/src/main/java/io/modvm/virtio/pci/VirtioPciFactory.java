package io.modvm.virtio.pci;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.state.StateRecord;
import io.modvm.virtio.device.VirtioDevice;
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

    /** Builds the device and plugs it as a new PCI function. */
    @Override
    public Device create(DeviceContext context, Map<String, String> properties) throws DeviceException {
        return plug(context, newDevice(context, properties), null);
    }

    /**
     * Builds the device and plugs it in place of one whose state was saved, on the PCI function the old instance
     * held: the transport's registers and rings continue, and the device gets its own record ({@link
     * VirtioDevice#restoreState}). A state this device cannot read is refused with a {@link DeviceException}.
     */
    @Override
    public Device restore(DeviceContext context, Map<String, String> properties, StateRecord state)
            throws DeviceException {
        return plug(context, newDevice(context, properties), Objects.requireNonNull(state, "state"));
    }

    /**
     * Plugs a new device; by default through the virtio-pci transport ({@link VirtioPciTransport#plug}). Tests
     * override it to plug into a fake machine.
     */
    protected Device plugNew(DeviceContext context, D device) throws DeviceException {
        return VirtioPciTransport.plug(context, device);
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

    private Device plug(DeviceContext context, D device, StateRecord state) throws DeviceException {
        Device plugged;
        try {
            plugged = state == null ? plugNew(context, device) : VirtioPciTransport.restore(context, device, state);
        } catch (DeviceException | RuntimeException e) {
            discard(device);
            throw e;
        }
        plugged(context, device);
        return plugged;
    }
}
