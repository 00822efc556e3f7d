package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modvm.accel.kvm.KvmAccelerator;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.machine.RunState;
import io.modvm.api.memory.GuestMemory;
import io.modvm.core.config.ConfigurationStore;
import io.modvm.core.devices.DeviceBackends;
import io.modvm.core.devices.DeviceCatalog;
import io.modvm.core.devices.DeviceManager;
import io.modvm.core.devices.DeviceSpec;
import io.modvm.core.machine.MachineException;
import io.modvm.core.machine.MachineSpec;
import io.modvm.core.machine.VmMachine;
import io.modvm.devices.emulated.i8042.I8042Factory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pause and resume of a real machine while its two vCPUs count at CPL3, natively and without exits: a pause
 * must pull both out of KVM_RUN and hold them, and a resume must let both go on; a second pause hold (a hot-swap's)
 * keeps them paused past the monitor's resume. The machine is wired by hand from the same classes the bundles hold
 * (the OSGi wiring is covered by the Pax Exam tests).
 */
@Timeout(120)
class PauseResumeIT {
    private static final long COUNTERS = 0x200000;

    @Test
    void pausedVcpusStopCountingAndResumedOnesGoOn() throws Exception {
        List<DeviceFactory> factories = List.of(new I8042Factory());
        DeviceCatalog catalog = new DeviceCatalog() {
            @Override
            public DeviceFactory find(String type) {
                return factories.stream().filter(f -> f.type().equals(type)).findFirst().orElse(null);
            }

            @Override
            public List<String> types() {
                return factories.stream().map(DeviceFactory::type).toList();
            }
        };
        MachineSpec spec = new MachineSpec("pause-test", 64L << 20, 2, Guests.build("spin"), null, "cpus=2", true);
        // No serial port: the guest's output goes to an unclaimed port, and no device needs a backend.
        List<DeviceSpec> devices = List.of(new DeviceSpec("i8042", null, Map.of()));
        VmMachine machine = new VmMachine(spec, new KvmAccelerator(), line -> { }, (event, data) -> { },
                new NoBackends(), 10_000);
        DeviceManager manager = new DeviceManager(catalog, ConfigurationStore.NONE, (event, data) -> { });
        machine.onStart(() -> {
            try {
                manager.attach(machine.devices(), devices);
            } catch (DeviceException e) {
                throw new MachineException(e.getMessage(), e);
            }
        });
        AtomicInteger status = new AtomicInteger(-1);
        Thread runner = new Thread(() -> {
            try {
                status.set(machine.run());
            } catch (Exception e) {
                status.set(-2);
            }
        });
        runner.start();
        try {
            awaitCounting(machine, 0);
            awaitCounting(machine, 1);

            machine.pause();
            assertEquals(RunState.PAUSED, machine.state());
            long[] paused = counters(machine);
            Thread.sleep(300);
            long[] stillPaused = counters(machine);
            assertEquals(paused[0], stillPaused[0], "BSP counted while paused");
            assertEquals(paused[1], stillPaused[1], "AP counted while paused");

            machine.resume();
            assertEquals(RunState.RUNNING, machine.state());
            awaitPast(machine, 0, stillPaused[0], "BSP did not resume");
            awaitPast(machine, 1, stillPaused[1], "AP did not resume");

            for (int i = 0; i < 5; i++) {
                machine.pause();
                machine.resume();
            }

            machine.pause();
            try (var swap = machine.hold("a hot-swap", 2000)) {
                machine.resume();
                assertEquals(RunState.PAUSED, machine.state(), "the other hold keeps the vCPUs paused");
                long[] held = counters(machine);
                Thread.sleep(300);
                assertEquals(held[0], counters(machine)[0], "BSP counted while another hold remained");
            }
            assertEquals(RunState.RUNNING, machine.state());
            awaitPast(machine, 0, counters(machine)[0], "BSP did not resume after the last hold");
            machine.quit(3);
            runner.join(30_000);
            assertEquals(3, status.get());
        } finally {
            machine.quit(1);
            runner.join(30_000);
        }
    }

    /** The backends of a machine whose devices take none. */
    private static final class NoBackends implements DeviceBackends {
        @Override
        public <B> B take(String kind, String reference, Class<B> type, String deviceId, String deviceType)
                throws DeviceException {
            throw new DeviceException("no backends here");
        }

        @Override
        public <B> B open(String kind, String type, Map<String, String> properties, Class<B> as, String deviceId)
                throws DeviceException {
            throw new DeviceException("no backends here");
        }

        @Override
        public void release(String deviceId, boolean unplugged) {
        }

        @Override
        public void closeAll() {
        }
    }

    private static long[] counters(VmMachine machine) {
        GuestMemory memory = machine.memory();
        return new long[] {memory.readLong(COUNTERS), memory.readLong(COUNTERS + 8)};
    }

    /** Resumed vCPU threads must be scheduled again before they count, which under load takes a while. */
    private static void awaitPast(VmMachine machine, int cpu, long count, String failure) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (counters(machine)[cpu] <= count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure);
            }
            Thread.sleep(20);
        }
    }

    private static void awaitCounting(VmMachine machine, int cpu) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            GuestMemory memory = machine.memory();
            if (memory != null && memory.readLong(COUNTERS + 8L * cpu) > 1000) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("vCPU " + cpu + " never started counting");
    }
}
