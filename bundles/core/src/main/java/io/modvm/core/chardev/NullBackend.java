package io.modvm.core.chardev;

import io.modvm.api.backend.Backend;
import io.modvm.api.device.CharBackend;
import io.modvm.api.device.CharReceiver;

/** Discards output and never has input. */
public final class NullBackend implements CharBackend, Backend {
    @Override
    public void write(byte[] data, int offset, int length) {
    }

    @Override
    public void attach(CharReceiver receiver) {
    }

    @Override
    public void receiverReady() {
    }

    @Override
    public String describe() {
        return "null";
    }

    @Override
    public void close() {
    }
}
