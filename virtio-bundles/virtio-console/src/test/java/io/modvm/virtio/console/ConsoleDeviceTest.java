package io.modvm.virtio.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.virtio.device.VirtioFeatures;
import io.modvm.virtio.queue.HeapGuestMemory;
import io.modvm.virtio.queue.SplitVirtqueue;
import io.modvm.virtio.queue.TestDriver;
import io.modvm.virtio.queue.TestDriver.Buf;
import io.modvm.virtio.queue.TestDriver.Used;
import io.modvm.virtio.queue.VirtqueueException;
import io.modvm.virtio.testing.Await;
import io.modvm.virtio.testing.FakeActivation;
import io.modvm.virtio.testing.StrictGuestMemory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The whole device with its worker threads, as the transport drives it. */
@Timeout(30)
class ConsoleDeviceTest {
    private static final long RAM = 0x10_0000;
    private static final int RAM_SIZE = 1 << 20;
    private static final long RX_RINGS = RAM;
    private static final long TX_RINGS = RAM + 0x4000;
    private static final long DATA = RAM + 0x8_0000;

    private final StrictGuestMemory memory = new StrictGuestMemory(new HeapGuestMemory().add(RAM, RAM_SIZE));
    private final RecordingBackend backend = new RecordingBackend();
    private final ConsoleDevice console = new ConsoleDevice("con0", backend, new ConsoleConfig("stdio", 0, 0));

    @AfterEach
    void close() {
        console.close();
    }

    private FakeActivation activate(TestDriver rx, TestDriver tx) throws VirtqueueException {
        FakeActivation activation = new FakeActivation(memory, VirtioFeatures.bit(VirtioFeatures.VERSION_1),
                SplitVirtqueue.create(memory, rx.config()), SplitVirtqueue.create(memory, tx.config()));
        console.activate(activation);
        return activation;
    }

    private void type(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        console.receive(bytes, 0, bytes.length);
    }

    @Test
    void guestOutputReachesTheBackendAndHostInputReachesTheGuest() throws Exception {
        TestDriver rx = new TestDriver(memory, RX_RINGS, 16, true, false, 0);
        TestDriver tx = new TestDriver(memory, TX_RINGS, 16, true, false, 0);
        FakeActivation activation = activate(rx, tx);

        byte[] line = "[    0.000000] Linux version 6.1\n".getBytes(StandardCharsets.ISO_8859_1);
        memory.write(DATA, line, 0, line.length);
        int out = tx.add(List.of(new Buf(DATA, line.length)), List.of());
        activation.kick(ConsoleTransmitQueue.INDEX);
        Await.until("guest output at the backend", () -> backend.output().length() == line.length);
        assertEquals("[    0.000000] Linux version 6.1\n", backend.output());
        Await.until("transmit buffer returned", () -> tx.usedIdx() == 1);
        assertEquals(Optional.of(new Used(out, 0)), tx.getBuf());

        int in = rx.add(List.of(), List.of(new Buf(DATA + 0x1000, 64)));
        activation.kick(ConsoleReceiveQueue.INDEX);
        type("ls\r");
        Await.until("input delivered", () -> rx.usedIdx() == 1);
        assertEquals(Optional.of(new Used(in, 3)), rx.getBuf());
        byte[] got = new byte[3];
        memory.read(DATA + 0x1000, got, 0, 3);
        assertEquals("ls\r", new String(got, StandardCharsets.ISO_8859_1));
        Await.until("backend told of room", () -> backend.readyCalls() > 0);
    }

    @Test
    void inputTypedBeforeTheDriverRunsWaitsForIt() throws Exception {
        type("early");
        assertEquals(ConsoleDevice.INPUT_CAPACITY - 5, console.room());
        TestDriver rx = new TestDriver(memory, RX_RINGS, 16, false, false, 0);
        TestDriver tx = new TestDriver(memory, TX_RINGS, 16, false, false, 0);
        int in = rx.add(List.of(), List.of(new Buf(DATA, 64)));
        activate(rx, tx);
        Await.until("early input delivered at activation", () -> rx.usedIdx() == 1);
        assertEquals(Optional.of(new Used(in, 5)), rx.getBuf());
        assertEquals(ConsoleDevice.INPUT_CAPACITY, console.room());
    }

    @Test
    void inputBeyondTheBufferIsDroppedNotQueuedWithoutBound() {
        byte[] flood = new byte[ConsoleDevice.INPUT_CAPACITY + 100];
        console.receive(flood, 0, flood.length);
        assertEquals(0, console.room());
        console.receive(flood, 0, 10);
        assertEquals(0, console.room());
    }

    @Test
    void anUnpluggedConsoleTakesNoMoreInput() {
        console.close();
        assertEquals(0, console.room());
        type("lost?");
        assertEquals(0, console.room());
    }

    @Test
    void theDeviceServesAFreshDriverAfterAReset() throws Exception {
        TestDriver rx = new TestDriver(memory, RX_RINGS, 16, false, false, 0);
        TestDriver tx = new TestDriver(memory, TX_RINGS, 16, false, false, 0);
        activate(rx, tx);
        console.reset();
        TestDriver tx2 = new TestDriver(memory, TX_RINGS, 8, true, false, 0);
        TestDriver rx2 = new TestDriver(memory, RX_RINGS, 8, true, false, 0);
        byte[] text = "again".getBytes(StandardCharsets.ISO_8859_1);
        memory.write(DATA, text, 0, text.length);
        tx2.add(List.of(new Buf(DATA, text.length)), List.of());
        activate(rx2, tx2);
        Await.until("output after reset", () -> backend.output().equals("again"));
    }

    @Test
    void configSpaceReportsTheSizeAndOnePort() {
        ConsoleDevice sized = new ConsoleDevice("con1", backend, new ConsoleConfig("stdio", 132, 43));
        assertEquals(132 | (43L << 16), sized.readConfig(0, 4));
        assertEquals(43, sized.readConfig(2, 2));
        assertEquals(1, sized.readConfig(4, 4));
        assertEquals(0, sized.readConfig(8, 4));
        assertEquals(0, sized.readConfig(12, 4), "beyond the configuration space reads as zero");
        assertTrue((sized.deviceFeatures() & VirtioFeatures.bit(ConsoleDevice.F_SIZE)) != 0);
        assertEquals(0, console.deviceFeatures() & VirtioFeatures.bit(ConsoleDevice.F_SIZE));
        assertTrue((console.deviceFeatures() & VirtioFeatures.bit(ConsoleDevice.F_EMERG_WRITE)) != 0);
        assertEquals(3, console.deviceType());
        assertEquals(2, console.queueCount());
        sized.close();
    }

    @Test
    void emergencyWritesReachTheBackendWithoutAnyQueue() throws InterruptedException {
        for (char c : "panic!".toCharArray()) {
            console.writeConfig(ConsoleDevice.CONFIG_EMERG_WR, 4, 0xFFFF_FF00L | c);
        }
        console.writeConfig(0, 2, 'x');
        Await.until("emergency output", () -> backend.output().equals("panic!"));
    }
}
