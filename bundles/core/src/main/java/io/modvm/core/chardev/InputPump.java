package io.modvm.core.chardev;

import io.modvm.api.device.CharReceiver;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds host input until the attached device has room for it, breaks in order with the bytes around them.
 * Delivery runs on the pump's own thread, never on the caller of {@link #receiverReady()}: a device calls that
 * while holding its own lock, and delivering there would take locks in the opposite order from the input thread.
 */
final class InputPump {
    private static final Logger LOG = LoggerFactory.getLogger(InputPump.class);
    /** A line break in the input stream; every other element is a non-empty byte array. */
    private static final byte[] BREAK = new byte[0];

    private final Deque<byte[]> pending = new ArrayDeque<>();
    private CharReceiver receiver;
    private boolean wake;
    private boolean closed;

    InputPump(String name) {
        Thread thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    synchronized void attach(CharReceiver r) {
        receiver = r;
        wake();
    }

    synchronized void offer(byte[] data, int offset, int length) {
        if (length > 0) {
            pending.add(Arrays.copyOfRange(data, offset, offset + length));
            wake();
        }
    }

    synchronized void offerBreak() {
        pending.add(BREAK);
        wake();
    }

    synchronized void receiverReady() {
        wake();
    }

    synchronized void close() {
        closed = true;
        notifyAll();
    }

    private void wake() {
        wake = true;
        notifyAll();
    }

    private void loop() {
        while (true) {
            CharReceiver r;
            byte[] head;
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
                head = pending.peek();
                if (r == null || head == null) {
                    continue;
                }
            }
            int room = r.room();
            if (room <= 0) {
                continue; // the device calls receiverReady() once the guest has read
            }
            int taken = head == BREAK ? 0 : Math.min(room, head.length);
            try {
                if (head == BREAK) {
                    r.receiveBreak();
                } else {
                    r.receive(head, 0, taken);
                }
            } catch (RuntimeException e) {
                // A device bug must not end console input for good: drop what it choked on and go on.
                LOG.error("the console device failed on input; {} byte(s) dropped", head.length, e);
                taken = head.length;
            }
            synchronized (this) {
                pending.poll();
                if (taken > 0 && taken < head.length) {
                    pending.addFirst(Arrays.copyOfRange(head, taken, head.length));
                }
                wake = wake || !pending.isEmpty();
            }
        }
    }
}
