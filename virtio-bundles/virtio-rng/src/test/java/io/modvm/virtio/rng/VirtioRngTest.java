package io.modvm.virtio.rng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.modvm.api.accel.EventNotifier;
import io.modvm.api.device.DeviceException;
import io.modvm.api.memory.GuestMemory;
import io.modvm.virtio.device.VirtioActivation;
import io.modvm.virtio.queue.HeapGuestMemory;
import io.modvm.virtio.queue.SplitVirtqueue;
import io.modvm.virtio.queue.TestDriver;
import io.modvm.virtio.queue.TestDriver.Buf;
import io.modvm.virtio.queue.TestDriver.Used;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The device with its worker thread and its rate-limit timer, and its properties. */
@Timeout(30)
class VirtioRngTest {
    private static final long RAM = 0x10_0000;
    private static final long DATA = RAM + 0x4_0000;

    private final GuestMemory memory = new RamGuard(new HeapGuestMemory().add(RAM, 1 << 20));
    private final TestDriver driver = new TestDriver(memory, RAM, 16, false, false, 0);
    private final AtomicInteger interrupts = new AtomicInteger();

    /** The ioeventfd the transport would give, as a semaphore. */
    private static final class Kicks implements EventNotifier {
        private final Semaphore permits = new Semaphore(0);

        @Override
        public void signal() {
            permits.release();
        }

        @Override
        public long await(long timeoutMillis) {
            try {
                return permits.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS) ? 1 + permits.drainPermits() : 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        }

        @Override
        public void close() {
        }
    }

    private VirtioActivation activation(SplitVirtqueue queue, Kicks kicks) {
        return new VirtioActivation() {
            @Override
            public GuestMemory memory() {
                return memory;
            }

            @Override
            public long features() {
                return 0;
            }

            @Override
            public SplitVirtqueue queue(int index) {
                return index == 0 ? queue : null;
            }

            @Override
            public EventNotifier kicks(int index) {
                return index == 0 ? kicks : null;
            }

            @Override
            public void interruptQueue(int index) {
                interrupts.incrementAndGet();
            }

            @Override
            public void interruptConfig() {
            }

            @Override
            public void needsReset(String reason) {
                fail("unexpected reset: " + reason);
            }
        };
    }

    private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("never happened: " + what);
            }
            Thread.sleep(1);
        }
    }

    @Test
    void aKickedRequestIsFilledOnTheWorkerThread() throws Exception {
        VirtioRng rng = new VirtioRng("rng0", UrandomSource.open(UrandomSource.URANDOM), new RngConfig(
                Long.MAX_VALUE, RngConfig.DEFAULT_PERIOD_MILLIS));
        Kicks kicks = new Kicks();
        rng.activate(activation(SplitVirtqueue.create(memory, driver.config()), kicks));
        int head = driver.add(List.of(), List.of(new Buf(DATA, 32)));
        kicks.signal();
        eventually(() -> driver.usedIdx() == 1, "request served");
        assertEquals(Optional.of(new Used(head, 32)), driver.getBuf());
        eventually(() -> interrupts.get() == 1, "interrupt");
        rng.close();
    }

    @Test
    void aLimitedDeviceServesTheRestOnceThePeriodIsOverWithoutAnotherKick() throws Exception {
        VirtioRng rng = new VirtioRng("rng0", UrandomSource.open(UrandomSource.URANDOM), new RngConfig(16, 20));
        Kicks kicks = new Kicks();
        int a = driver.add(List.of(), List.of(new Buf(DATA, 16)));
        int b = driver.add(List.of(), List.of(new Buf(DATA + 0x100, 16)));
        rng.activate(activation(SplitVirtqueue.create(memory, driver.config()), kicks));
        eventually(() -> driver.usedIdx() == 2, "both requests served, the second after the refill");
        assertEquals(Optional.of(new Used(a, 16)), driver.getBuf());
        assertEquals(Optional.of(new Used(b, 16)), driver.getBuf());
        rng.close();
    }

    @Test
    void deviceIdentity() throws DeviceException {
        VirtioRng rng = new VirtioRng("rng0", UrandomSource.open(UrandomSource.URANDOM), RngConfig.parse(Map.of()));
        assertEquals(4, rng.deviceType());
        assertEquals(0x00ff00, rng.pciClass());
        assertEquals(1, rng.queueCount());
        assertEquals(0, rng.configSize());
        rng.close();
    }

    @Test
    void propertiesFollowQemu() throws DeviceException {
        assertEquals(new RngConfig(Long.MAX_VALUE, 65536), RngConfig.parse(Map.of("id", "rng0")));
        assertEquals(new RngConfig(1024, 1000), RngConfig.parse(Map.of("max-bytes", "1024", "period", "1000")));
        assertError("virtio-rng-pci: unknown property 'rng'; accepted: max-bytes, period", Map.of("rng", "rng0"));
        assertError("virtio-rng-pci: max-bytes '0' is not a positive whole number; use e.g. max-bytes=1024",
                Map.of("max-bytes", "0"));
        assertError("virtio-rng-pci: period '-5' is not a positive whole number; use e.g. period=1000",
                Map.of("period", "-5"));
        assertError("virtio-rng-pci: max-bytes '99999999999999999999' is not a positive whole number; use e.g. "
                + "max-bytes=1024", Map.of("max-bytes", "99999999999999999999"));
        assertError("virtio-rng-pci: period '9223372036855' is too long; use at most 9223372036854 (milliseconds)",
                Map.of("period", "9223372036855"));
    }

    @Test
    void aMissingEntropySourceIsOneLine() {
        DeviceException e = assertThrows(DeviceException.class,
                () -> UrandomSource.open(Path.of("/nonexistent/urandom")));
        assertEquals("virtio-rng-pci: cannot read host entropy from /nonexistent/urandom: no such file; "
                + "check that it exists and is readable", e.getMessage());
    }

    private static void assertError(String message, Map<String, String> properties) {
        DeviceException e = assertThrows(DeviceException.class, () -> RngConfig.parse(properties));
        assertEquals(message, e.getMessage());
    }
}
