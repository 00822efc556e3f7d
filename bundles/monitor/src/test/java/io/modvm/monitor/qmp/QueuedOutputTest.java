package io.modvm.monitor.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modvm.monitor.testing.LineCapture;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class QueuedOutputTest {
    @Test
    void linesArriveInOrderWithCrlfAndAwaitWrittenWaitsForThem() throws Exception {
        LineCapture capture = new LineCapture();
        QueuedOutput output = new QueuedOutput(capture, () -> { });
        for (int i = 0; i < 100; i++) {
            output.send("{\"n\": " + i + "}");
        }
        output.awaitWritten();
        assertEquals(100, capture.waitingLines());
        for (int i = 0; i < 100; i++) {
            assertEquals("{\"n\": " + i + "}", capture.nextLine());
        }
        output.close();
    }

    @Test
    void aClientThatStopsReadingIsCutOffInsteadOfBlockingTheSender() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        OutputStream stuck = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
        };
        AtomicInteger failures = new AtomicInteger();
        QueuedOutput output = new QueuedOutput(stuck, failures::incrementAndGet);
        try {
            for (int i = 0; i < QueuedOutput.LIMIT; i++) {
                output.send("{}");
            }
            assertEquals(0, failures.get());
            assertThrows(IOException.class, () -> output.send("{}"));
            assertEquals(1, failures.get());
            assertThrows(IOException.class, () -> output.send("{}"));
            assertThrows(IOException.class, output::awaitWritten);
            assertEquals(1, failures.get());
        } finally {
            release.countDown();
        }
    }

    @Test
    void aFailedWriteFailsLaterSendsAndRunsTheFailureActionOnce() throws Exception {
        AtomicInteger failures = new AtomicInteger();
        QueuedOutput output = new QueuedOutput(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("broken pipe");
            }
        }, failures::incrementAndGet);
        output.send("{}");
        assertThrows(IOException.class, output::awaitWritten);
        assertThrows(IOException.class, () -> output.send("{}"));
        assertEquals(1, failures.get());
    }
}
