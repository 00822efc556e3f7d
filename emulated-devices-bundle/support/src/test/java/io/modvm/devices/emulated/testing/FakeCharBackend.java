package io.modvm.devices.emulated.testing;

import io.modvm.api.device.CharBackend;
import io.modvm.api.device.CharReceiver;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * A backend that behaves as the real ones must: host input waits in a queue and is pushed only as far as the
 * receiver has room, and more is pushed when the receiver says it is ready. A break waits in the same queue, in
 * order with the bytes, and is delivered only when the receiver has room, as the core's input pump does.
 */
public final class FakeCharBackend implements CharBackend {
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    /** Bytes as 0..255, and {@link #BREAK} for a line break. */
    private static final int BREAK = -1;

    private final ArrayDeque<Integer> pending = new ArrayDeque<>();
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
            pending.add(b & 0xff);
        }
        push();
    }

    /** A line break, as QEMU's Ctrl-A b sends it. */
    public synchronized void sendBreak() {
        pending.add(BREAK);
        push();
    }

    private void push() {
        while (receiver != null && !pending.isEmpty()) {
            int room = receiver.room();
            if (room == 0) {
                return;
            }
            if (pending.peek() == BREAK) {
                pending.remove();
                receiver.receiveBreak();
                continue;
            }
            int count = 0;
            byte[] chunk = new byte[Math.min(room, pending.size())];
            while (count < chunk.length && pending.peek() != BREAK) {
                chunk[count++] = (byte) (int) pending.remove();
            }
            receiver.receive(chunk, 0, count);
        }
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
