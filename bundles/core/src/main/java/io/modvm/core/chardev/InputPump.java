package io.modvm.core.chardev;

import io.modvm.api.device.CharReceiver;
import java.io.ByteArrayOutputStream;

/**
 * Holds host input until the attached device has room for it. Delivery runs on the pump's own thread, never on
 * the caller of {@link #receiverReady()}: a device calls that while holding its own lock, and delivering there
 * would take locks in the opposite order from the input thread.
 */
final class InputPump {
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private CharReceiver receiver;
    private boolean wake;
    private boolean closed;
    private final Thread thread;

    InputPump(String name) {
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    synchronized void attach(CharReceiver r) {
        receiver = r;
        wake = true;
        notifyAll();
    }

    synchronized void offer(byte[] data, int offset, int length) {
        pending.write(data, offset, length);
        wake = true;
        notifyAll();
    }

    synchronized void receiverReady() {
        wake = true;
        notifyAll();
    }

    synchronized void close() {
        closed = true;
        notifyAll();
    }

    private void loop() {
        while (true) {
            CharReceiver r;
            byte[] data;
            synchronized (this) {
                while (!wake && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                wake = false;
                r = receiver;
                if (r == null || pending.size() == 0) {
                    continue;
                }
                data = pending.toByteArray();
            }
            int room = Math.min(r.room(), data.length);
            if (room > 0) {
                r.receive(data, 0, room);
                synchronized (this) {
                    byte[] rest = pending.toByteArray();
                    pending.reset();
                    pending.write(rest, room, rest.length - room);
                    wake = pending.size() > 0 && room > 0;
                }
            }
        }
    }
}
