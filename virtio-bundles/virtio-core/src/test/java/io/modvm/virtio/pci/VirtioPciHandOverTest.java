package io.modvm.virtio.pci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.DeviceException;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.virtio.device.VirtioActivation;
import io.modvm.virtio.queue.DescriptorChain;
import io.modvm.virtio.queue.HeapGuestMemory;
import io.modvm.virtio.queue.TestDriver;
import io.modvm.virtio.queue.TestDriver.Buf;
import io.modvm.virtio.queue.VirtqueueException;
import io.modvm.virtio.testing.FakePciFunction;
import io.modvm.virtio.testing.HandOver;
import io.modvm.virtio.testing.PciDriver;
import io.modvm.virtio.testing.StubDeviceContext;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A device handed from one transport instance to another on the same PCI function, as across a bundle update: the
 * driver keeps its rings, registers and negotiated features and sees no reset and no configuration interrupt.
 */
class VirtioPciHandOverTest {
    private static final long RAM = 1 << 20;
    private static final long FEATURES = (1L << 32) | (1L << 29) | (1L << 28);

    private final HeapGuestMemory memory = new HeapGuestMemory().add(0, (int) RAM);
    private final FakePciFunction pci = new FakePciFunction();

    /** Queue 0 answers at once (driven by the test); queue 1 keeps the chain it takes until the test lets it go. */
    static class HoldingDevice extends VirtioPciTransportTest.FakeDevice {
        final long offered;
        DescriptorChain held;
        int heldHead = -1;
        int quiesces;
        int closes;
        int resumes;
        long served;

        HoldingDevice(long offered) {
            this.offered = offered;
        }

        @Override
        public long deviceFeatures() {
            return offered;
        }

        @Override
        public void quiesce() {
            quiesces++;
        }

        @Override
        public void resume(VirtioActivation a) {
            resumes++;
            activation = a;
            if (a != null && heldHead >= 0) {
                try {
                    held = a.queue(1).chain(heldHead);
                } catch (VirtqueueException e) {
                    throw new AssertionError(e);
                }
            }
        }

        @Override
        public StateRecord saveState() {
            return StateRecord.builder("holding", 1).put("served", served)
                    .put("held", held == null ? -1 : held.head()).build();
        }

        @Override
        public void restoreState(StateRecord state) throws StateException {
            state.require("holding", 1, 1);
            served = state.getLong("served");
            heldHead = state.getInt("held");
        }

        @Override
        public void close() {
            closes++;
        }

        void serveAll() throws VirtqueueException {
            while (true) {
                var next = activation.queue(0).pop();
                if (next.isEmpty()) {
                    break;
                }
                activation.queue(0).push(next.get(), 0);
                served++;
            }
            if (activation.queue(0).needsNotification()) {
                activation.interruptQueue(0);
            }
        }

        void hold() throws VirtqueueException {
            held = activation.queue(1).pop().orElseThrow();
        }

        void release() throws VirtqueueException {
            activation.queue(1).push(held, 0);
            held = null;
            activation.interruptQueue(1);
        }
    }

    private final HoldingDevice oldDevice = new HoldingDevice(FEATURES);
    private VirtioPciTransport transport;
    private PciDriver driver;
    private TestDriver q0;
    private TestDriver q1;

    private void startDevice() throws Exception {
        StubDeviceContext context = new StubDeviceContext("t0").withRam(memory, RAM).withPci(pci);
        transport = (VirtioPciTransport) VirtioPciTransport.plug(context, oldDevice);
        driver = new PciDriver(context.pciSpec(), pci);
        q0 = new TestDriver(memory, 0x10000, 16, true, true, 0x40000);
        q1 = new TestDriver(memory, 0x20000, 8, true, false, 0);
        assertEquals(15 & ~4, driver.negotiate(FEATURES));
        driver.configVector(0);
        driver.queue(0, q0, 1);
        driver.queue(1, q1, 2);
        driver.driverOk();
        assertNotNull(oldDevice.activation);
    }

    private void request(TestDriver ring, int n) {
        for (int i = 0; i < n; i++) {
            ring.add(List.of(new Buf(0x80000 + 64L * i, 8)), List.of());
        }
    }

    @Test
    void theDriverSeesNoResetAndItsRingsGoOn() throws Exception {
        startDevice();
        request(q0, 3);
        oldDevice.serveAll();
        assertEquals(3, q0.usedIdx());
        q1.add(List.of(), List.of(new Buf(0x90000, 80)));
        oldDevice.hold();
        int status = driver.status();
        long[] regs0 = driver.queueRegisters(0);
        long[] regs1 = driver.queueRegisters(1);
        int generation = driver.generation();
        List<Integer> vectorsBefore = pci.vectors();

        StateRecord state = HandOver.takeState(transport);
        assertEquals(1, oldDevice.quiesces);
        assertEquals(0, oldDevice.resets, "a handed-over device is not reset");
        assertEquals(1, oldDevice.closes, "but it is closed, releasing its host resources");
        assertEquals(VirtioPciTransport.STATE_TYPE, state.type());
        assertEquals(1, state.getRecords("queues").get(1).getInt("inFlight"));

        HoldingDevice newDevice = new HoldingDevice(FEATURES | (1L << 5));
        StubDeviceContext context = new StubDeviceContext("t0").withRam(memory, RAM).withPci(pci);
        VirtioPciTransport restored = VirtioPciTransport.restore(context, newDevice, state);
        driver.rebind(context.pciSpec());
        assertEquals(0, newDevice.resets);
        assertEquals(1, newDevice.resumes);
        assertEquals(3, newDevice.served, "the device's own record came across");
        assertEquals(status, driver.status(), "DRIVER_OK and FEATURES_OK stay set");
        assertEquals(FEATURES, driver.driverFeatures());
        assertEquals(FEATURES, newDevice.activation.features());
        assertArrayEquals(regs0, driver.queueRegisters(0));
        assertArrayEquals(regs1, driver.queueRegisters(1));
        assertEquals(generation, driver.generation(), "no configuration change");
        assertEquals(0, driver.configVector());
        assertEquals(vectorsBefore, pci.vectors(), "no interrupt during the hand-over");

        newDevice.serveAll();
        assertEquals(vectorsBefore, pci.vectors(), "nothing new pushed, so no interrupt from the new instance");
        assertNotNull(newDevice.held, "the held chain came back");
        assertEquals(0x90000, newDevice.held.writable().get(0).address());
        newDevice.release();
        request(q0, 2);
        newDevice.serveAll();
        assertEquals(5, q0.usedIdx(), "the used index goes on from 3");
        assertEquals(1, q1.usedIdx());
        for (int i = 0; i < 5; i++) {
            assertTrue(q0.getBuf().isPresent());
        }
        assertEquals(0, q1.getBuf().orElseThrow().head());
        assertFalse(pci.vectors().subList(vectorsBefore.size(), pci.vectors().size()).contains(0),
                "no configuration interrupt after it either");

        restored.close();
        assertEquals(1, newDevice.resets, "a device that was not handed over is reset when closed");
    }

    @Test
    void anAbandonedHandOverResumesTheSameQueues() throws Exception {
        startDevice();
        VirtioActivation before = oldDevice.activation;
        assertThrows(IllegalStateException.class, transport::saveState, "state of a running device");
        transport.quiesce();
        transport.saveState();
        transport.resume();
        assertEquals(1, oldDevice.resumes);
        assertSame(before, oldDevice.activation);
        request(q0, 1);
        oldDevice.serveAll();
        assertEquals(1, q0.usedIdx());
    }

    @Test
    void aDeviceTheDriverHadNotStartedComesBackMidNegotiation() throws Exception {
        StubDeviceContext context = new StubDeviceContext("t0").withRam(memory, RAM).withPci(pci);
        transport = (VirtioPciTransport) VirtioPciTransport.plug(context, oldDevice);
        driver = new PciDriver(context.pciSpec(), pci);
        driver.status(PciDriver.STATUS_ACKNOWLEDGE | PciDriver.STATUS_DRIVER);
        StateRecord state = HandOver.takeState(transport);
        HoldingDevice newDevice = new HoldingDevice(FEATURES);
        StubDeviceContext next = new StubDeviceContext("t0").withRam(memory, RAM).withPci(pci);
        VirtioPciTransport.restore(next, newDevice, state);
        driver.rebind(next.pciSpec());
        assertEquals(3, driver.status());
        assertNull(newDevice.activation);
        assertEquals(1, newDevice.resumes, "resumed with no activation");
    }

    @Test
    void aStateItCannotReadIsRefusedWithOneLineBeforeAnythingIsPlugged() throws Exception {
        startDevice();
        StateRecord state = HandOver.takeState(transport);

        DeviceException version = refuse(HandOver.withVersion(state, 9), new HoldingDevice(FEATURES));
        assertEquals("t0: saved state not taken over: virtio-pci state version 9 is not readable here (versions 1"
                + " to 2)", version.getMessage());

        DeviceException missing = refuse(state, new HoldingDevice(1L << 29));
        assertTrue(missing.getMessage().contains("features 0x10000000"), missing.getMessage());

        HoldingDevice rng = new HoldingDevice(FEATURES) {
            @Override
            public int deviceType() {
                return 2;
            }
        };
        assertTrue(refuse(state, rng).getMessage().contains("type 4 given to one of type 2"));

        HoldingDevice picky = new HoldingDevice(FEATURES) {
            @Override
            public void restoreState(StateRecord s) throws StateException {
                s.require("holding", 2, 2);
            }
        };
        assertTrue(refuse(state, picky).getMessage().contains("holding state version 1"));

        HoldingDevice broken = new HoldingDevice(FEATURES) {
            @Override
            public void resume(VirtioActivation a) {
                throw new IllegalStateException("bug");
            }
        };
        StubDeviceContext context = new StubDeviceContext("t0").withRam(memory, RAM).withPci(pci);
        DeviceException failed = assertThrows(DeviceException.class,
                () -> VirtioPciTransport.restore(context, broken, state));
        assertEquals("t0: the restored device failed to resume: java.lang.IllegalStateException: bug",
                failed.getMessage());
        assertEquals(1, broken.resets, "stopped again");

        StateRecord notPci = StateRecord.builder("virtio-mmio", 1).build();
        assertTrue(refuse(notPci, new HoldingDevice(FEATURES)).getMessage()
                .contains("state of type virtio-mmio given where virtio-pci is needed"));
    }

    private DeviceException refuse(StateRecord state, HoldingDevice device) {
        StubDeviceContext context = new StubDeviceContext("t0").withRam(memory, RAM).withPci(pci);
        int kicks = pci.ioEventCount();
        DeviceException e = assertThrows(DeviceException.class,
                () -> VirtioPciTransport.restore(context, device, state));
        assertFalse(e.getMessage().contains("\n"), "one line");
        assertNull(context.pciSpec(), "nothing plugged");
        assertEquals(kicks, pci.ioEventCount());
        assertNull(device.activation);
        return e;
    }
}
