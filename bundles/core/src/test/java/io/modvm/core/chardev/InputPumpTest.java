package io.modvm.core.chardev;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modvm.api.device.CharReceiver;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A receiver with a four-byte FIFO, drained by a "guest" that reads slowly: nothing may be lost or reordered. */
@Timeout(10)
class InputPumpTest {
    private static final class Fifo implements CharReceiver {
        final StringBuilder fifo = new StringBuilder();
        final StringBuilder read = new StringBuilder();
        InputPump pump;

        @Override
        public synchronized int room() {
            return 4 - fifo.length();
        }

        @Override
        public synchronized void receive(byte[] data, int offset, int length) {
            if (length > room()) {
                throw new IllegalStateException("overrun");
            }
            fifo.append(new String(data, offset, length));
        }

        @Override
        public synchronized void receiveBreak() {
            if (room() < 1) {
                throw new IllegalStateException("overrun");
            }
            fifo.append('#');
        }

        /** The guest reads one character and, as a UART does, tells the backend it has room again. */
        boolean readOne() {
            synchronized (this) {
                if (fifo.length() == 0) {
                    return false;
                }
                read.append(fifo.charAt(0));
                fifo.deleteCharAt(0);
            }
            pump.receiverReady();
            return true;
        }
    }

    @Test
    void bytesAndBreaksArriveInOrderThroughASmallFifo() throws InterruptedException {
        InputPump pump = new InputPump("test-pump");
        Fifo fifo = new Fifo();
        fifo.pump = pump;
        pump.attach(fifo);
        byte[] first = "hello, world".getBytes();
        pump.offer(first, 0, first.length);
        pump.offerBreak();
        pump.offer("o".getBytes(), 0, 1);
        pump.offerBreak();
        pump.offerBreak();
        pump.offer("end".getBytes(), 0, 3);
        String expected = "hello, world#o##end";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // the pump thread runs when it can
        while (fifo.read.length() < expected.length() && System.nanoTime() < deadline) {
            if (!fifo.readOne()) {
                Thread.sleep(1);
            }
        }
        pump.close();
        assertEquals(expected, fifo.read.toString());
    }
}
