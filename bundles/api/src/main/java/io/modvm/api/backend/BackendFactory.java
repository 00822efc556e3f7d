package io.modvm.api.backend;

import io.modvm.api.device.DeviceException;
import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Opens backends of one kind and type, registered as an OSGi service with the properties {@link #PROP_KIND} and
 * {@link #PROP_TYPE}: a backend type exists exactly while its bundle is active, as device types do.
 */
@ConsumerType
public interface BackendFactory {
    /** Service property: the backend kind, one of {@link BackendKinds} or a kind of a third party's own. */
    String PROP_KIND = "modvm.backend.kind";
    /** Service property: the backend type, as QEMU spells it ({@code file}, {@code socket}, {@code qcow2}...). */
    String PROP_TYPE = "modvm.backend.type";

    /** The kind; equals the {@link #PROP_KIND} service property. */
    String kind();

    /** The type; equals the {@link #PROP_TYPE} service property. */
    String type();

    /** One line for the help: what the type is, and its options. */
    String description();

    /**
     * Opens a backend. {@code properties} are QEMU's options of this type ({@code -chardev file,path=P} gives
     * {@code path}; {@code -blockdev driver=qcow2,file=n0} gives {@code file}), without {@code id} and the type.
     *
     * @throws DeviceException with a one-line message naming the bad option and what it accepts, or the host
     *     resource that could not be opened and what to do
     */
    Backend open(BackendContext context, Map<String, String> properties) throws DeviceException;
}
