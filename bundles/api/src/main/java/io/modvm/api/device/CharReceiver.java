package io.modvm.api.device;

import org.osgi.annotation.versioning.ConsumerType;

/** The device side of a {@link CharBackend}. */
@ConsumerType
public interface CharReceiver {
    /** How many bytes the device can take now. */
    int room();

    /** Delivers at most {@link #room()} bytes. */
    void receive(byte[] data, int offset, int length);

    /**
     * The host sent a line break (QEMU's Ctrl-A b), in order with the bytes around it. A UART reports it as a
     * break condition; Linux uses a break followed by a key as magic SysRq. Devices without a line ignore it.
     */
    default void receiveBreak() {
    }
}
