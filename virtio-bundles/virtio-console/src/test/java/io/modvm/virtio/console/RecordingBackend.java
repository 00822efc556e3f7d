package io.modvm.virtio.console;

import io.modvm.api.device.CharBackend;
import io.modvm.api.device.CharReceiver;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A backend that keeps guest output and lets a test push input straight into the attached receiver. */
final class RecordingBackend implements CharBackend {
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private CharReceiver receiver;
    private int readyCalls;

    @Override
    public synchronized void write(byte[] data, int offset, int length) {
        output.write(data, offset, length);
    }

    @Override
    public synchronized void attach(CharReceiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public synchronized void receiverReady() {
        readyCalls++;
    }

    synchronized String output() {
        return output.toString(StandardCharsets.ISO_8859_1);
    }

    synchronized int readyCalls() {
        return readyCalls;
    }

    synchronized CharReceiver receiver() {
        return receiver;
    }
}
