package io.modvm.monitor.qmp;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A QMP client's output, written by a thread of its own: an event is emitted from whatever thread the machine
 * emits it on, a vCPU thread included, and must never wait for a client that does not read. Responses and events
 * share one queue, so their order is kept. A client that falls {@value #LIMIT} lines behind, or whose connection
 * fails, is cut off: {@code onFailure} runs once (it should end the client's input) and every later send fails.
 */
final class QueuedOutput implements LineSink {
    private static final Logger LOG = LoggerFactory.getLogger(QueuedOutput.class);
    static final int LIMIT = 4096;

    private final OutputStream out;
    private final Runnable onFailure;
    private final Deque<String> queue = new ArrayDeque<>();
    private long queued;
    private long written;
    private boolean cutOff;
    private boolean failed;
    private boolean closed;

    QueuedOutput(OutputStream out, Runnable onFailure) {
        this.out = out;
        this.onFailure = onFailure;
        Thread writer = new Thread(this::writeLoop, "qmp-writer");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void send(String json) throws IOException {
        sendThen(json, () -> { });
    }

    @Override
    public void sendThen(String json, Runnable after) throws IOException {
        boolean overflow;
        synchronized (this) {
            if (cutOff || closed) {
                throw new IOException("QMP client connection is closed");
            }
            overflow = queue.size() >= LIMIT;
            if (!overflow) {
                queue.add(json);
                queued++;
                after.run();
                notifyAll();
                return;
            }
        }
        LOG.warn("a QMP client stopped reading ({} lines unread); disconnecting it", LIMIT);
        fail();
        throw new IOException("QMP client too slow");
    }

    /** Waits until every line sent so far is written; fails if the connection failed first. */
    void awaitWritten() throws IOException {
        synchronized (this) {
            long target = queued;
            while (written < target && !failed) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while writing to a QMP client", e);
                }
            }
            if (failed) {
                throw new IOException("QMP client connection failed");
            }
        }
    }

    /** No more lines; the writer finishes what is queued, then ends. */
    synchronized void close() {
        closed = true;
        notifyAll();
    }

    private void writeLoop() {
        while (true) {
            String json;
            synchronized (this) {
                while (queue.isEmpty() && !closed && !cutOff) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (cutOff || queue.isEmpty()) {
                    return;
                }
                json = queue.peek();
            }
            try {
                out.write((json + "\r\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                LOG.debug("QMP client gone: {}", e.toString());
                fail();
                return;
            }
            synchronized (this) {
                if (cutOff) {
                    return;
                }
                queue.poll();
                written++;
                notifyAll();
            }
        }
    }

    /** Cuts the client off: the failure action has run by the time a waiter sees the failure. */
    private void fail() {
        synchronized (this) {
            if (cutOff) {
                return;
            }
            cutOff = true;
            queue.clear();
        }
        onFailure.run();
        synchronized (this) {
            failed = true;
            notifyAll();
        }
    }
}
