package io.modvm.api.device;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The host end of a character device (a console on stdio, a file, a socket). Input is pushed to the attached
 * {@link CharReceiver} only as fast as it has room, so nothing typed is lost.
 */
@ProviderType
public interface CharBackend {
    /** Sends guest output to the host. Never blocks the caller for long. */
    void write(byte[] data, int offset, int length);

    /** Attaches the device that receives input; replaces any previous receiver. */
    void attach(CharReceiver receiver);

    /** Tells the backend that the receiver has room again. */
    void receiverReady();
}
