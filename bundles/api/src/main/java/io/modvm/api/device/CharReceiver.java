package io.modvm.api.device;

import org.osgi.annotation.versioning.ConsumerType;

/** The device side of a {@link CharBackend}. */
@ConsumerType
public interface CharReceiver {
    /** How many bytes the device can take now. */
    int room();

    /** Delivers at most {@link #room()} bytes. */
    void receive(byte[] data, int offset, int length);
}
