package io.modvm.virtio.balloon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.StatefulDevice;
import io.modvm.api.state.StateRecord;
import io.modvm.virtio.balloon.auto.ProcMeminfo;
import io.modvm.virtio.pci.VirtioPciTransport;
import io.modvm.virtio.queue.TestDriver;
import io.modvm.virtio.queue.TestDriver.Buf;
import io.modvm.virtio.testing.Await;
import io.modvm.virtio.testing.FakePciFunction;
import io.modvm.virtio.testing.HandOver;
import io.modvm.virtio.testing.PciDriver;
import io.modvm.virtio.testing.StrictGuestMemory;
import io.modvm.virtio.testing.StubDeviceContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The balloon handed to a new instance through the virtio-pci transport: its size, target and statistics cross,
 * and so does the statistics buffer it held, so that the next request for statistics is answered.
 */
@Timeout(30)
class BalloonHandOverTest {
    private static final long RAM = 64L << 20;
    private static final int STATS = 2;

    private final StrictGuestMemory memory = TestRam.create();
    private final FakePciFunction pci = new FakePciFunction();
    private final List<Long> changes = Collections.synchronizedList(new ArrayList<>());
    private final List<TestDriver> rings = new ArrayList<>();
    private PciDriver driver;
    private long nextBuffer = TestRam.BUFFERS;

    private BalloonFactory factory(BalloonRegistry registry) {
        return new BalloonFactory(registry, (b, bytes) -> changes.add(bytes), new ProcMeminfo(Path.of("/nonexistent")),
                VirtioPciTransport::plug);
    }

    private StubDeviceContext context() {
        return new StubDeviceContext("balloon0").withRam(memory, RAM).withPci(pci);
    }

    private static BalloonDevice balloon(BalloonRegistry registry) {
        return (BalloonDevice) registry.balloon().orElseThrow();
    }

    private Buf buffer(int length) {
        Buf buf = new Buf(nextBuffer, length);
        nextBuffer = TestDriver.alignUp(nextBuffer + length, 16);
        return buf;
    }

    private void inflate(long... pfns) {
        Buf buf = buffer(4 * pfns.length);
        for (int i = 0; i < pfns.length; i++) {
            memory.writeInt(buf.address() + 4L * i, (int) pfns[i]);
        }
        rings.get(0).add(List.of(buf), List.of());
        driver.kick(0);
    }

    private int sendStats(long freeMemory) {
        Buf buf = buffer(GuestStats.ENTRY_BYTES);
        memory.writeShort(buf.address(), (short) StatTag.FREE_MEMORY.tag());
        memory.writeLong(buf.address() + 2, freeMemory);
        int head = rings.get(STATS).add(List.of(buf), List.of());
        driver.kick(STATS);
        return head;
    }

    private long configInterrupts() {
        return pci.vectors().stream().filter(v -> v == 0).count();
    }

    private Device start(BalloonRegistry registry) throws Exception {
        StubDeviceContext context = context();
        Device device = factory(registry).create(context, Map.of());
        driver = new PciDriver(context.pciSpec(), pci);
        driver.negotiate(BalloonRig.LINUX_FEATURES);
        driver.configVector(0);
        for (int q = 0; q < 3; q++) {
            TestDriver ring = new TestDriver(memory, TestRam.RINGS + q * TestRam.RING_STRIDE, BalloonDevice.QUEUE_SIZE,
                    true, true, TestRam.INDIRECT + q * TestRam.INDIRECT_STRIDE);
            rings.add(ring);
            driver.queue(q, ring, q + 1);
        }
        driver.driverOk();
        return device;
    }

    @Test
    void sizeTargetStatisticsAndTheHeldBufferCrossTheSwap() throws Exception {
        BalloonRegistry oldRegistry = new BalloonRegistry();
        Device old = start(oldRegistry);
        balloon(oldRegistry).setTargetMemory(RAM - (16L << 12));
        assertEquals(16, driver.readConfig(BalloonConfigSpace.NUM_PAGES, 4));
        long firstPfn = TestRam.PAGES >> 12;
        inflate(firstPfn, firstPfn + 1, firstPfn + 2, firstPfn + 3);
        Await.until("inflated", () -> rings.get(0).usedIdx() == 1);
        // The used index is published before the interrupt is raised; wait for both so the snapshot below is final.
        Await.until("the inflate interrupt", () -> pci.vectors().contains(1));
        driver.writeConfig(BalloonConfigSpace.ACTUAL, 4, 4);
        int statsHead = sendStats(123_456);
        Await.until("statistics", () -> balloon(oldRegistry).stats().sequence() == 1);
        assertEquals(0, rings.get(STATS).usedIdx(), "the device holds the statistics buffer");
        int status = driver.status();
        int generation = driver.generation();
        long configInterrupts = configInterrupts();
        List<Integer> vectorsBefore = pci.vectors();
        List<Long> changesBefore = List.copyOf(changes);

        StateRecord state = HandOver.takeState((StatefulDevice) old);
        assertEquals(1, state.getRecords("queues").get(STATS).getInt("inFlight"));
        assertEquals(statsHead, state.getRecord("device").getInt("statsHead"));
        assertTrue(oldRegistry.balloon().isEmpty(), "the old instance left its registry");

        BalloonRegistry registry = new BalloonRegistry();
        StubDeviceContext context = context();
        Device taken = factory(registry).restore(context, Map.of(), state);
        driver.rebind(context.pciSpec());
        BalloonDevice balloon = balloon(registry);
        assertEquals(status, driver.status(), "no reset");
        assertEquals(generation, driver.generation(), "no configuration change");
        assertEquals(16, driver.readConfig(BalloonConfigSpace.NUM_PAGES, 4));
        assertEquals(4, driver.readConfig(BalloonConfigSpace.ACTUAL, 4));
        assertEquals(RAM - (4L << 12), balloon.actualMemory());
        assertEquals(OptionalLong.of(123_456), balloon.stats().get(StatTag.FREE_MEMORY));
        assertEquals(changesBefore, changes, "no BALLOON_CHANGE from the swap");
        Thread.sleep(100);
        assertEquals(vectorsBefore, pci.vectors(), "the resumed queues found nothing to signal");

        balloon.requestStats();
        Await.until("the held buffer returned as the request", () -> rings.get(STATS).usedIdx() == 1);
        assertEquals(statsHead, rings.get(STATS).getBuf().orElseThrow().head());
        sendStats(654_321);
        Await.until("statistics after the swap", () -> balloon.stats().sequence() == 2);
        assertEquals(OptionalLong.of(654_321), balloon.stats().get(StatTag.FREE_MEMORY));
        inflate(firstPfn + 4);
        Await.until("inflated after the swap", () -> rings.get(0).usedIdx() == 2);
        assertEquals(configInterrupts, configInterrupts(), "no configuration interrupt");
        taken.close();
    }

    @Test
    void aStateOfANewerLayoutUnplugsCleanly() throws Exception {
        Device old = start(new BalloonRegistry());
        StateRecord state = HandOver.takeState((StatefulDevice) old);
        StateRecord newer = HandOver.withDevice(state, StateRecord.builder("virtio-balloon", 2).build());
        BalloonRegistry registry = new BalloonRegistry();
        DeviceException e = assertThrows(DeviceException.class,
                () -> factory(registry).restore(context(), Map.of(), newer));
        assertEquals("balloon0: saved state not taken over: virtio-balloon state version 2 is not readable here"
                + " (versions 1 to 1)", e.getMessage());
        assertFalse(registry.balloon().isPresent(), "the new instance left no balloon behind");
    }
}
