package io.modvm.devices.emulated.testdev;

import io.modvm.api.device.BusHandler;

/** A port range that takes writes and reads as zero, so that a guest using it sees no error. */
final class IgnoredPort implements BusHandler {
    @Override
    public long read(long offset, int size) {
        return 0;
    }

    @Override
    public void write(long offset, int size, long value) {
        // Accepted and ignored on purpose.
    }
}
