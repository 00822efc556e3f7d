package io.modvm.api.backend;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * An open backend. The object a {@link BackendFactory} returns also implements what devices of its kind use (a
 * character backend implements {@link io.modvm.api.device.CharBackend}); a device asks for that type by class.
 */
@ConsumerType
public interface Backend extends AutoCloseable {
    /**
     * What the backend is connected to, for the monitor, as QEMU's {@code query-chardev} {@code filename} gives it
     * ({@code file:/tmp/log}, {@code unix:/tmp/s,server=on}, {@code stdio}); empty if there is nothing to say.
     */
    default String describe() {
        return "";
    }

    /** Releases the host resources. Called once, after no device uses the backend any more. */
    @Override
    void close();
}
