package io.modvm.virtio.rng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modvm.api.device.DeviceException;
import io.modvm.api.memory.GuestMemory;
import io.modvm.virtio.queue.HeapGuestMemory;
import io.modvm.virtio.queue.SplitVirtqueue;
import io.modvm.virtio.queue.TestDriver;
import io.modvm.virtio.queue.TestDriver.Buf;
import io.modvm.virtio.queue.TestDriver.Used;
import io.modvm.virtio.testing.Await;
import io.modvm.virtio.testing.FakeActivation;
import io.modvm.virtio.testing.StrictGuestMemory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The device with its worker thread and its rate-limit timer, and its properties. */
@Timeout(30)
class RngDeviceTest {
    private static final long RAM = 0x10_0000;
    private static final long DATA = RAM + 0x4_0000;

    private final GuestMemory memory = new StrictGuestMemory(new HeapGuestMemory().add(RAM, 1 << 20));
    private final TestDriver driver = new TestDriver(memory, RAM, 16, false, false, 0);

    @Test
    void aKickedRequestIsFilledOnTheWorkerThread() throws Exception {
        RngDevice rng = new RngDevice("rng0", UrandomSource.open(UrandomSource.URANDOM), new RngConfig(
                Long.MAX_VALUE, RngConfig.DEFAULT_PERIOD_MILLIS));
        FakeActivation activation = new FakeActivation(memory, 0, SplitVirtqueue.create(memory, driver.config()));
        rng.activate(activation);
        int head = driver.add(List.of(), List.of(new Buf(DATA, 32)));
        activation.kick(0);
        Await.until("request served", () -> driver.usedIdx() == 1);
        assertEquals(Optional.of(new Used(head, 32)), driver.getBuf());
        Await.until("interrupt", () -> activation.interrupts(0) == 1);
        rng.close();
        assertEquals(List.of(), activation.resetRequests());
    }

    @Test
    void aLimitedDeviceServesTheRestOnceThePeriodIsOverWithoutAnotherKick() throws Exception {
        RngDevice rng = new RngDevice("rng0", UrandomSource.open(UrandomSource.URANDOM), new RngConfig(16, 20));
        int a = driver.add(List.of(), List.of(new Buf(DATA, 16)));
        int b = driver.add(List.of(), List.of(new Buf(DATA + 0x100, 16)));
        FakeActivation activation = new FakeActivation(memory, 0, SplitVirtqueue.create(memory, driver.config()));
        rng.activate(activation);
        Await.until("both requests served, the second after the refill", () -> driver.usedIdx() == 2);
        assertEquals(Optional.of(new Used(a, 16)), driver.getBuf());
        assertEquals(Optional.of(new Used(b, 16)), driver.getBuf());
        rng.close();
        assertEquals(List.of(), activation.resetRequests());
    }

    @Test
    void deviceIdentity() throws DeviceException {
        RngDevice rng = new RngDevice("rng0", UrandomSource.open(UrandomSource.URANDOM), RngConfig.parse(Map.of()));
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
