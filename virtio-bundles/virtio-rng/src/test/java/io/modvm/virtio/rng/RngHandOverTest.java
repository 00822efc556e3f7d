package io.modvm.virtio.rng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.StatefulDevice;
import io.modvm.api.state.StateRecord;
import io.modvm.virtio.queue.HeapGuestMemory;
import io.modvm.virtio.queue.TestDriver;
import io.modvm.virtio.queue.TestDriver.Buf;
import io.modvm.virtio.queue.TestDriver.Used;
import io.modvm.virtio.testing.Await;
import io.modvm.virtio.testing.FakePciFunction;
import io.modvm.virtio.testing.HandOver;
import io.modvm.virtio.testing.PciDriver;
import io.modvm.virtio.testing.StubDeviceContext;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** virtio-rng handed to a new instance: a request the rate limit held back is served by the new one. */
@Timeout(30)
class RngHandOverTest {
    private static final long RAM = 0x10_0000;
    private static final long DATA = RAM + 0x4_0000;
    private static final Map<String, String> LIMITED = Map.of("max-bytes", "32", "period", "600000");

    private final HeapGuestMemory memory = new HeapGuestMemory().add(RAM, 1 << 20);
    private final FakePciFunction pci = new FakePciFunction();
    private final TestDriver ring = new TestDriver(memory, RAM, 16, true, true, RAM + 0x1_0000);
    private PciDriver driver;

    private Device plug() throws Exception {
        StubDeviceContext context = new StubDeviceContext("rng0").withRam(memory, 1 << 20).withPci(pci);
        Device device = new RngFactory().create(context, LIMITED);
        driver = new PciDriver(context.pciSpec(), pci);
        driver.negotiate(driver.offered());
        driver.configVector(0);
        driver.queue(0, ring, 1);
        driver.driverOk();
        return device;
    }

    @Test
    void aHeldBackRequestIsServedAfterTheSwap() throws Exception {
        Device old = plug();
        int a = ring.add(List.of(), List.of(new Buf(DATA, 32)));
        driver.kick(0);
        Await.until("first request served", () -> ring.usedIdx() == 1);
        assertEquals(Optional.of(new Used(a, 32)), ring.getBuf());
        memory.fill(DATA + 0x100, 32, (byte) 0);
        int b = ring.add(List.of(), List.of(new Buf(DATA + 0x100, 32)));
        driver.kick(0);
        Thread.sleep(50);
        assertEquals(1, ring.usedIdx(), "the quota for this period is spent");
        int status = driver.status();

        StateRecord state = HandOver.takeState((StatefulDevice) old);
        assertEquals(0, state.getRecords("queues").get(0).getInt("inFlight"), "held back on the ring, not taken");
        assertEquals(1, state.getRecords("queues").get(0).getInt("nextAvail"));
        StubDeviceContext context = new StubDeviceContext("rng0").withRam(memory, 1 << 20).withPci(pci);
        Device taken = new RngFactory().restore(context, LIMITED, state);
        driver.rebind(context.pciSpec());
        Await.until("the new instance serves it", () -> ring.usedIdx() == 2);
        assertEquals(Optional.of(new Used(b, 32)), ring.getBuf());
        byte[] entropy = new byte[32];
        memory.read(DATA + 0x100, entropy, 0, 32);
        assertFalse(Arrays.equals(new byte[32], entropy), "filled with entropy");
        assertEquals(status, driver.status(), "no reset");
        assertFalse(pci.vectors().contains(0), "no configuration interrupt");
        taken.close();
    }

    @Test
    void aStateOfAnotherDeviceIsRefused() throws Exception {
        StateRecord state = HandOver.takeState((StatefulDevice) plug());
        StateRecord blk = StateRecord.builder("virtio-pci", 1).put("deviceType", 2).build();
        StubDeviceContext context = new StubDeviceContext("rng0").withRam(memory, 1 << 20).withPci(pci);
        DeviceException e = assertThrows(DeviceException.class,
                () -> new RngFactory().restore(context, LIMITED, blk));
        assertEquals("rng0: saved state not taken over: virtio-pci state of a virtio device of type 2 given to one"
                + " of type 4", e.getMessage());
        assertThrows(DeviceException.class,
                () -> new RngFactory().restore(context, LIMITED, HandOver.withVersion(state, 0)));
        assertNull(context.pciSpec(), "nothing plugged");
    }
}
