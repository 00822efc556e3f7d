package io.modvm.devices.emulated.testing;

import io.modvm.api.device.CharBackend;
import io.modvm.api.device.CharReceiver;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * A backend that behaves as the real ones must: host input waits in a queue and is pushed only as far as the
 * receiver has room, and more is pushed when the receiver says it is ready.
 */
public final class FakeCharBackend implements CharBackend {
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final ArrayDeque<Byte> pending = new ArrayDeque<>();
    private CharReceiver receiver;
    private int readyCalls;

    @Override
    public synchronized void write(byte[] data, int offset, int length) {
        output.write(data, offset, length);
    }

    @Override
    public synchronized void attach(CharReceiver receiver) {
        this.receiver = receiver;
        push();
    }

    @Override
    public synchronized void receiverReady() {
        readyCalls++;
        push();
    }

    /** Host input, as if typed. */
    public synchronized void type(String text) {
        for (byte b : text.getBytes(StandardCharsets.ISO_8859_1)) {
            pending.add(b);
        }
        push();
    }

    private void push() {
        if (receiver == null) {
            return;
        }
        int room = receiver.room();
        int count = Math.min(room, pending.size());
        if (count == 0) {
            return;
        }
        byte[] chunk = new byte[count];
        for (int i = 0; i < count; i++) {
            chunk[i] = pending.remove();
        }
        receiver.receive(chunk, 0, count);
    }

    public synchronized String output() {
        return output.toString(StandardCharsets.ISO_8859_1);
    }

    public synchronized int pendingInput() {
        return pending.size();
    }

    public synchronized int readyCalls() {
        return readyCalls;
    }

    public synchronized CharReceiver receiver() {
        return receiver;
    }
}
