package io.modvm.api.backend;

import io.modvm.api.device.DeviceException;
import org.osgi.annotation.versioning.ProviderType;

/** What a backend being opened may ask of the machine. */
@ProviderType
public interface BackendContext {
    /** The id of the backend being opened. */
    String backendId();

    /**
     * Another backend this one is built on, such as the file node under a qcow2 node: it is taken for this backend
     * while it is open, as a device takes one.
     *
     * @throws DeviceException if there is none of that kind and id, it is in use, or it is not a {@code type}
     */
    <B> B backend(String kind, String id, Class<B> type) throws DeviceException;

    /** The user asked, through this backend, for the machine to end (QEMU's Ctrl-A x on a stdio console). */
    void requestQuit();
}
