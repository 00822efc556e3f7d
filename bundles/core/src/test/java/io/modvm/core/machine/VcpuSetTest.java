package io.modvm.core.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.accel.BootState;
import io.modvm.api.accel.CpuMode;
import io.modvm.api.accel.RegisterDump;
import io.modvm.api.accel.Vcpu;
import io.modvm.api.accel.VcpuExitHandler;
import io.modvm.api.accel.VcpuStop;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.core.bus.IoBus;
import io.modvm.core.testing.StubVm;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The vCPU threads save and restore their vCPUs' state on themselves, only while the machine is paused, and pausing
 * and resuming go on as before.
 */
@Timeout(30)
class VcpuSetTest {
    private final Map<Integer, FakeVcpu> vcpus = new ConcurrentHashMap<>();
    private final VcpuSet set = new VcpuSet(new IoBus("port", 0x10000), new IoBus("MMIO", 1L << 52), end -> { });

    /** Spins (counting its rounds) until kicked, then asks the handler whether to go on, like a vCPU in KVM_RUN. */
    private static final class FakeVcpu implements Vcpu {
        final int index;
        final AtomicLong rounds = new AtomicLong();
        final Object gate = new Object();
        boolean kicked;
        volatile long value;
        volatile String lastThread;
        volatile boolean failSave;

        FakeVcpu(int index) {
            this.index = index;
        }

        @Override
        public int index() {
            return index;
        }

        @Override
        public void setBootState(BootState state) {
        }

        @Override
        public VcpuStop run(VcpuExitHandler handler) {
            while (true) {
                synchronized (gate) {
                    while (!kicked) {
                        rounds.incrementAndGet();
                        try {
                            gate.wait(1);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    kicked = false;
                }
                if (!handler.onKick()) {
                    return new VcpuStop(VcpuStop.Reason.REQUESTED, "", null);
                }
            }
        }

        @Override
        public void kick() {
            synchronized (gate) {
                kicked = true;
                gate.notifyAll();
            }
        }

        @Override
        public RegisterDump registers() {
            return new RegisterDump(Map.of());
        }

        @Override
        public StateRecord saveState() throws AcceleratorException {
            lastThread = Thread.currentThread().getName();
            if (failSave) {
                throw new AcceleratorException("cannot save vCPU " + index + " XSAVE area (KVM_GET_XSAVE): EIO");
            }
            return StateRecord.builder("fake-vcpu", 1).put("index", index).put("value", value)
                    .put("thread", lastThread).build();
        }

        @Override
        public void restoreState(StateRecord state) throws AcceleratorException {
            lastThread = Thread.currentThread().getName();
            try {
                state.require("fake-vcpu", 1, 1);
                value = state.getLong("value");
            } catch (StateException e) {
                throw new AcceleratorException(e.getMessage());
            }
        }

        @Override
        public void close() {
        }
    }

    private final class FakeVm extends StubVm {
        @Override
        public Vcpu createVcpu(int index) {
            FakeVcpu v = new FakeVcpu(index);
            v.value = 100 + index;
            vcpus.put(index, v);
            return v;
        }
    }

    @AfterEach
    void stop() {
        set.stop();
    }

    private void startTwo() throws InterruptedException {
        set.start(new FakeVm(), 2, new BootState(CpuMode.LONG, 0x100000, 0, 0, 0, 0, 0, 0));
        while (vcpus.size() < 2 || vcpus.values().stream().anyMatch(v -> v.rounds.get() == 0)) {
            Thread.sleep(1);
        }
    }

    @Test
    void eachVcpuSavesAndRestoresItselfOnItsOwnThreadWhilePaused() throws Exception {
        startTwo();
        assertTrue(set.hold(Long.MAX_VALUE));
        List<StateRecord> saved = set.saveStates();
        assertEquals(2, saved.size());
        for (int i = 0; i < 2; i++) {
            assertEquals(i, saved.get(i).getLong("index"), "in vCPU order");
            assertEquals(100 + i, saved.get(i).getLong("value"));
            assertEquals("vcpu-" + i, saved.get(i).getString("thread"), "saved on the vCPU's own thread");
        }
        set.restoreStates(List.of(fake(7), fake(8)));
        assertEquals(7, vcpus.get(0).value);
        assertEquals(8, vcpus.get(1).value);
        assertEquals("vcpu-1", vcpus.get(1).lastThread, "restored on the vCPU's own thread");
        assertTrue(set.paused(), "saving and restoring leave the machine paused");
        long before = vcpus.get(0).rounds.get();
        Thread.sleep(20);
        assertEquals(before, vcpus.get(0).rounds.get(), "a paused vCPU does not run");

        assertTrue(set.release());
        while (vcpus.get(0).rounds.get() == before) {
            Thread.sleep(1);
        }
        assertFalse(set.paused(), "released: the vCPUs run again");
    }

    @Test
    void aRunningMachineIsNotSaved() throws Exception {
        startTwo();
        MachineException e = assertThrows(MachineException.class, set::saveStates);
        assertTrue(e.getMessage().contains("not all paused"), e.getMessage());
        assertEquals(null, vcpus.get(0).lastThread, "no vCPU was asked");
    }

    @Test
    void aFailureNamesTheVcpuAndThePartAndLeavesThePauseAsItWas() throws Exception {
        startTwo();
        set.hold(Long.MAX_VALUE);
        vcpus.get(1).failSave = true;
        MachineException e = assertThrows(MachineException.class, set::saveStates);
        assertEquals("cannot save vCPU 1 XSAVE area (KVM_GET_XSAVE): EIO", e.getMessage());
        MachineException count = assertThrows(MachineException.class, () -> set.restoreStates(List.of(fake(1))));
        assertEquals("the saved state has 1 vCPUs, this machine 2", count.getMessage());
        MachineException foreign = assertThrows(MachineException.class,
                () -> set.restoreStates(List.of(fake(1), StateRecord.builder("fake-vcpu", 2).build())));
        assertTrue(foreign.getMessage().contains("fake-vcpu state version 2 is not readable here"),
                foreign.getMessage());
        vcpus.get(1).failSave = false;
        assertEquals(2, set.saveStates().size(), "the next round works");
        assertTrue(set.release());
    }

    private static StateRecord fake(long value) {
        return StateRecord.builder("fake-vcpu", 1).put("value", value).build();
    }
}
