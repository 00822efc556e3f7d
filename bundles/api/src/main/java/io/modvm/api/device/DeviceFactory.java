package io.modvm.api.device;

import io.modvm.api.state.StateRecord;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Builds devices of one type. Registered as an OSGi service with the properties {@link #PROP_TYPE} (QEMU's
 * device name, such as {@code isa-serial}) and {@link #PROP_BUS}; the core finds devices only through these
 * services, so a device type exists exactly while its bundle is active.
 */
@ConsumerType
public interface DeviceFactory {
    /** Service property: the device type name, as QEMU spells it. */
    String PROP_TYPE = "modvm.device.type";
    /** Service property: the bus the device sits on: {@code pci}, {@code isa} or {@code platform}. */
    String PROP_BUS = "modvm.device.bus";

    /** The device type name; equals the {@link #PROP_TYPE} service property. */
    String type();

    /** One line for {@code -device help}. */
    String description();

    /**
     * The category {@code -device help} lists the type under, as QEMU's: {@code network}, {@code storage},
     * {@code input}, {@code display}, {@code misc}... A {@code network} device is a NIC, which {@code -nic} and
     * {@code -net nic,model=} may name. The default is {@code misc}.
     *
     * @since 1.2
     */
    default String category() {
        return "misc";
    }

    /**
     * The properties this type takes, declared: the core then checks every value a device of this type is given
     * ({@code -device}, {@code device_add}, a {@code .cfg} file) before {@link #create(DeviceContext,
     * DeviceProperties)}, refusing a property not declared or a value it does not take with one line, and lists them
     * for {@code -device TYPE,help}, HMP {@code device_add TYPE,help} and QMP {@code device-list-properties}. An empty
     * list declares that the type takes no properties. The properties the core itself handles ({@code id}, and
     * {@code driver} on QMP) are never passed to a factory and are not declared.
     *
     * <p>The default, null, declares nothing: the values reach the factory unchecked, as before 1.3, and the help
     * shows only the {@link #description()}.
     *
     * @since 1.3
     */
    default List<DeviceProperty> properties() {
        return null;
    }

    /**
     * Builds and wires a device. Properties are the {@code key=value} pairs of {@code -device}, minus the type.
     * Since 1.3 the core calls {@link #create(DeviceContext, DeviceProperties)}, whose default comes here; a
     * factory that declares its properties overrides that one instead and implements this one for callers that did
     * not check the values, as {@code return create(context, DeviceProperties.parse(type(), properties(),
     * properties));}.
     *
     * <p>Lifecycle contract:
     * <ul>
     * <li>A {@code create} that fails (throws anything) must release what it opened itself before it throws:
     * threads, files, sockets, native memory. What it took through the {@code context} (port and MMIO ranges, PCI
     * functions, character and other backends) the core releases, so that the same id can be plugged again at
     * once; IRQ lines are the machine's and need no release.</li>
     * <li>Check the properties before opening anything, so that a bad value costs nothing.</li>
     * <li>{@code create} may be called again for the same id after a failure, after {@link Device#close()}, and
     * for the successor of a device that could not hand its state over in a hot-swap.</li>
     * <li>The core calls {@code create} and {@link #restore} under its own lock, never twice at once for one id.</li>
     * </ul>
     * The plugin test kit ({@code io.modvm:testkit}, {@code LifecycleChecker}) checks the first three points.
     *
     * @throws DeviceException with a one-line message naming the bad property and what it accepts
     */
    Device create(DeviceContext context, Map<String, String> properties) throws DeviceException;

    /**
     * Builds and wires a device from properties the core has checked against {@link #properties()}: a factory that
     * declares them reads them typed, with their defaults, and parses no text itself. The default calls
     * {@link #create(DeviceContext, Map)} with the values as given.
     *
     * @throws DeviceException with a one-line message: a combination of values the device cannot take, or a
     *     resource it could not get; whatever it opened is released first
     * @since 1.3
     */
    default Device create(DeviceContext context, DeviceProperties properties) throws DeviceException {
        return create(context, properties.asMap());
    }

    /**
     * Builds a device that takes over from one whose state was saved ({@link StatefulDevice#saveState()}), as
     * after an update of the device's bundle: the guest must not notice the change. The context hands back the
     * resources the old instance held (its PCI function keeps its slot, BARs and MSI-X table).
     *
     * <p>The contract of {@link #create} holds here too: a failed {@code restore} releases what it opened. It must
     * not change {@code state}, and must accept the state of any earlier version of its own bundle it still
     * supports (see {@link io.modvm.api.state.StateRecord} versions).
     *
     * @throws DeviceException if this factory cannot read that state (another type, or a version it does not
     *     know); in a hot-swap the machine then builds the device with {@link #create} in the same slot and ports,
     *     logs a warning that names it, and reports the state as not kept
     */
    default Device restore(DeviceContext context, Map<String, String> properties, StateRecord state)
            throws DeviceException {
        throw new DeviceException(type() + " cannot take over saved device state");
    }

    /**
     * {@link #restore(DeviceContext, Map, StateRecord)} with properties the core has checked, as
     * {@link #create(DeviceContext, DeviceProperties)} is to {@link #create(DeviceContext, Map)}; the core calls this
     * one. The default calls {@link #restore(DeviceContext, Map, StateRecord)} with the values as given.
     *
     * @throws DeviceException as {@link #restore(DeviceContext, Map, StateRecord)}
     * @since 1.3
     */
    default Device restore(DeviceContext context, DeviceProperties properties, StateRecord state)
            throws DeviceException {
        return restore(context, properties.asMap(), state);
    }
}
