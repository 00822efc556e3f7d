package io.modvm.accel.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.accel.BootState;
import io.modvm.api.accel.CpuMode;
import io.modvm.api.accel.CpuModel;
import io.modvm.api.accel.RamRegion;
import io.modvm.api.accel.Vcpu;
import io.modvm.api.accel.VcpuStop;
import io.modvm.api.accel.VirtualMachine;
import io.modvm.api.accel.VmOptions;
import io.modvm.api.state.StateCodec;
import io.modvm.api.state.StateRecord;
import io.modvm.testguest.TestGuestBuilder;
import io.modvm.testguest.TestGuestImage;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Saves a running guest's vCPU and VM state, restores it into a second VM with a copy of its RAM, and checks that
 * the guest carries on there: the same counters, the next numbers in order, the timer still interrupting.
 */
@Timeout(120)
class KvmStateTest {
    private static final long RAM = 16 << 20;
    private static final int STOP_AT = 5;
    private static final int STOP_AGAIN_AT = 12;

    @TempDir
    Path work;

    /** What the counter guest reported: port 0xF1 (memory counter) and 0xF3 (register counter, three a step). */
    private static final class Reports {
        final List<Long> counter = new CopyOnWriteArrayList<>();
        final List<Long> register = new CopyOnWriteArrayList<>();
        private final int stopAt;

        Reports(int stopAt) {
            this.stopAt = stopAt;
        }

        void write(int port, long value, Vcpu vcpu) {
            if (port == 0xF1) {
                counter.add(value);
            } else if (port == 0xF3) {
                register.add(value);
                if (value == 3L * stopAt) {
                    vcpu.kick();
                }
            }
        }
    }

    @Test
    void aGuestRestoredIntoAnotherVmCarriesOn() throws Exception {
        Path elf = TestGuestBuilder.build(work, "guests/counter.c");
        KvmAccelerator kvm = new KvmAccelerator();
        StateRecord vcpuState;
        StateRecord vmState;
        StateRecord model;
        byte[] memory = new byte[(int) RAM];
        try (VirtualMachine source = kvm.createVm(new VmOptions("source", 1))) {
            RamRegion ram = source.allocateRam("ram", RAM);
            source.mapRam(0, 0, ram, 0, RAM, false);
            TestGuestImage image = TestGuestImage.read(elf);
            image.loadInto(ram.view(0, (int) RAM));
            Reports reports = new Reports(STOP_AT);
            BootState boot = new BootState(CpuMode.PROTECTED, image.entry(), 0, 0, 0, 0, 0, 0);
            try (VcpuRunner runner = new VcpuRunner(source, v -> {
                v.setBootState(boot);
                return null;
            }, reports::write)) {
                VcpuStop stop = runner.awaitStop();
                assertEquals(VcpuStop.Reason.REQUESTED, stop.reason(), stop.detail());
                assertEquals(sequence(1, STOP_AT), reports.counter);
                vcpuState = runner.onVcpuThread(Vcpu::saveState);
                vmState = source.saveState();
                model = source.cpuModel();
            }
            ram.view(0, (int) RAM).get(memory);
        }
        assertEquals(3L * STOP_AT, vcpuState.getLong("r12"), "the register counter is in the record");
        // What is restored went through the byte form, as it does in a snapshot or a migration.
        StateRecord vcpuCopy = StateCodec.decode(StateCodec.encode(vcpuState));
        StateRecord vmCopy = StateCodec.decode(StateCodec.encode(vmState));
        assertEquals(vcpuState, vcpuCopy);
        assertEquals(vmState, vmCopy);
        assertEquals(model, StateCodec.decode(StateCodec.encode(model)));

        try (VirtualMachine target = kvm.createVm(new VmOptions("target", 1))) {
            assertEquals(List.of(), CpuModel.differences(model, target.cpuModel()), "same host, same CPU model");
            RamRegion ram = target.allocateRam("ram", RAM);
            target.mapRam(0, 0, ram, 0, RAM, false);
            ram.view(0, (int) RAM).put(memory);
            target.restoreState(vmCopy);
            long clockGap = target.saveState().getLong("clock_ns") - vmState.getLong("clock_ns");
            assertTrue(clockGap >= 0 && clockGap < 2_000_000_000L, "the guest clock goes on from the saved value, "
                    + "not from the time the target VM was made: " + clockGap + " ns apart");
            Reports reports = new Reports(STOP_AGAIN_AT);
            try (VcpuRunner runner = new VcpuRunner(target, v -> {
                v.restoreState(vcpuCopy);
                return null;
            }, reports::write)) {
                VcpuStop stop = runner.awaitStop();
                assertEquals(VcpuStop.Reason.REQUESTED, stop.reason(), stop.detail());
            }
            assertEquals(sequence(STOP_AT + 1, STOP_AGAIN_AT), reports.counter,
                    "the counter goes on from where the source stopped, one PIT tick at a time");
            assertEquals(sequence(STOP_AT + 1, STOP_AGAIN_AT).stream().map(n -> 3 * n).toList(), reports.register,
                    "the register counter goes on too");
        }
    }

    /** What the two-CPU guest reported; the BSP's count reaching {@code stopAt} stops both vCPUs. */
    private static final class SmpReports {
        final List<Long> bsp = new CopyOnWriteArrayList<>();
        final List<Long> ap = new CopyOnWriteArrayList<>();
        final java.util.concurrent.atomic.AtomicReference<Vcpu> apVcpu = new java.util.concurrent.atomic.AtomicReference<>();
        final java.util.concurrent.CountDownLatch apCreated = new java.util.concurrent.CountDownLatch(1);
        private final int stopAt;

        SmpReports(int stopAt) {
            this.stopAt = stopAt;
        }

        void write(int port, long value, Vcpu vcpu) {
            if (port == 0xF1) {
                bsp.add(value);
                if (value == stopAt) {
                    apVcpu.get().kick();
                    vcpu.kick();
                }
            } else if (port == 0xF5) {
                ap.add(value);
            }
        }

        /** The AP exists before the BSP runs, so that the BSP's SIPI finds it. */
        VcpuRunner.Task<Object> ap(VcpuRunner.Task<?> setup) {
            return v -> {
                setup.run(v);
                apVcpu.set(v);
                apCreated.countDown();
                return null;
            };
        }

        VcpuRunner.Task<Object> bsp(VcpuRunner.Task<?> setup) {
            return v -> {
                apCreated.await();
                setup.run(v);
                return null;
            };
        }
    }

    @Test
    void twoVcpusRestoredCarryOnEachFromItsOwnState() throws Exception {
        Path elf = TestGuestBuilder.build(work, "guests/smp_counter.c");
        KvmAccelerator kvm = new KvmAccelerator();
        StateRecord[] vcpuStates = new StateRecord[2];
        StateRecord vmState;
        byte[] memory = new byte[(int) RAM];
        long apLast;
        try (VirtualMachine source = kvm.createVm(new VmOptions("smp-source", 2))) {
            RamRegion ram = source.allocateRam("ram", RAM);
            source.mapRam(0, 0, ram, 0, RAM, false);
            TestGuestImage image = TestGuestImage.read(elf);
            image.loadInto(ram.view(0, (int) RAM));
            SmpReports reports = new SmpReports(20);
            BootState boot = new BootState(CpuMode.PROTECTED, image.entry(), 0, 0, 0, 0, 0, 0);
            try (VcpuRunner ap = new VcpuRunner(source, 1, reports.ap(v -> null), reports::write);
                    VcpuRunner bsp = new VcpuRunner(source, 0, reports.bsp(v -> {
                        v.setBootState(boot);
                        return null;
                    }), reports::write)) {
                assertEquals(VcpuStop.Reason.REQUESTED, bsp.awaitStop().reason());
                assertEquals(VcpuStop.Reason.REQUESTED, ap.awaitStop().reason());
                vcpuStates[0] = StateCodec.decode(StateCodec.encode(bsp.onVcpuThread(Vcpu::saveState)));
                vcpuStates[1] = StateCodec.decode(StateCodec.encode(ap.onVcpuThread(Vcpu::saveState)));
                vmState = StateCodec.decode(StateCodec.encode(source.saveState()));
            }
            ram.view(0, (int) RAM).get(memory);
            assertTrue(reports.ap.size() > 0, "the AP ran on the source");
            apLast = reports.ap.get(reports.ap.size() - 1);
            assertEquals(sequence(1, apLast), reports.ap);
        }
        assertEquals(1, vcpuStates[1].getLong("index"));
        try (VirtualMachine target = kvm.createVm(new VmOptions("smp-target", 2))) {
            RamRegion ram = target.allocateRam("ram", RAM);
            target.mapRam(0, 0, ram, 0, RAM, false);
            ram.view(0, (int) RAM).put(memory);
            target.restoreState(vmState);
            SmpReports reports = new SmpReports(80);
            try (VcpuRunner ap = new VcpuRunner(target, 1, reports.ap(v -> {
                v.restoreState(vcpuStates[1]);
                return null;
            }), reports::write);
                    VcpuRunner bsp = new VcpuRunner(target, 0, reports.bsp(v -> {
                        v.restoreState(vcpuStates[0]);
                        return null;
                    }), reports::write)) {
                assertEquals(VcpuStop.Reason.REQUESTED, bsp.awaitStop().reason());
                assertEquals(VcpuStop.Reason.REQUESTED, ap.awaitStop().reason());
            }
            assertEquals(sequence(21, 80), reports.bsp, "the BSP goes on with the next tick");
            assertTrue(reports.ap.size() > 0, "the AP runs after the restore, without a new SIPI");
            assertEquals(sequence(apLast + 1, apLast + reports.ap.size()), reports.ap,
                    "the AP goes on from its own last number");
        }
    }

    private static List<Long> sequence(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    /** A vCPU's record restored into the same vCPU reads back the same, and foreign records are refused by name. */
    @Test
    void aVcpuRecordRestoresAndForeignRecordsAreRefusedByName() throws Exception {
        try (VirtualMachine vm = new KvmAccelerator().createVm(new VmOptions("vcpu", 1))) {
            RamRegion ram = vm.allocateRam("ram", 1 << 20);
            vm.mapRam(0, 0, ram, 0, 1 << 20, false);
            ram.view(0x1000, 4).put(new byte[] {(byte) 0xE6, (byte) 0xF0, (byte) 0xEB, (byte) 0xFE}); // out; jmp $
            List<Object> seen = new ArrayList<>();
            try (VcpuRunner runner = new VcpuRunner(vm, v -> {
                v.setBootState(new BootState(CpuMode.PROTECTED, 0x1000, 0x8000, 0x1234, 0x5678, 0, 0, 0));
                StateRecord first = v.saveState();
                v.restoreState(StateCodec.decode(StateCodec.encode(first)));
                StateRecord again = v.saveState();
                for (String field : List.of("rip", "rsp", "rsi", "rbx", "rflags", "cs", "ss", "gdt.base", "cr0",
                        "cr3", "cr4", "efer", "apic_base", "xsave", "lapic", "mp_state", "events", "debugregs")) {
                    if (first.has(field)) {
                        seen.add(field);
                        assertEquals(value(first, field), value(again, field), field);
                    }
                }
                StateRecord ofVcpu1 = StateRecord.builder("kvm-vcpu", 1).put("index", 1).build();
                AcceleratorException wrongVcpu = assertThrows(AcceleratorException.class,
                        () -> v.restoreState(ofVcpu1));
                assertEquals("cannot restore vCPU 0 from the state of vCPU 1", wrongVcpu.getMessage());
                seen.add(assertThrows(AcceleratorException.class, () -> v.restoreState(withVersion(first, 2))));
                seen.add(assertThrows(AcceleratorException.class,
                        () -> v.restoreState(StateRecord.builder("i8042", 1).build())));
                return null;
            }, (port, value, v) -> v.kick())) {
                assertEquals(VcpuStop.Reason.REQUESTED, runner.awaitStop().reason());
            }
            String newer = ((Exception) seen.get(seen.size() - 2)).getMessage();
            String other = ((Exception) seen.get(seen.size() - 1)).getMessage();
            assertTrue(newer.contains("kvm-vcpu state version 2 is not readable here"), newer);
            assertTrue(other.contains("state of type i8042 given where kvm-vcpu is needed"), other);
            assertTrue(seen.contains("xsave") || seen.contains("lapic"), seen.toString());
        }
    }

    @Test
    void vmRecordsOfAnotherTypeOrANewerVersionAreRefusedByName() throws Exception {
        try (VirtualMachine vm = new KvmAccelerator().createVm(new VmOptions("refuse", 1))) {
            StateRecord saved = vm.saveState();
            vm.restoreState(StateCodec.decode(StateCodec.encode(saved)));
            AcceleratorException newer = assertThrows(AcceleratorException.class,
                    () -> vm.restoreState(withVersion(saved, 2)));
            assertTrue(newer.getMessage().contains("kvm-vm state version 2 is not readable here"), newer.getMessage());
            AcceleratorException other = assertThrows(AcceleratorException.class,
                    () -> vm.restoreState(StateRecord.builder("uart-16550", 1).build()));
            assertTrue(other.getMessage().contains("state of type uart-16550 given where kvm-vm is needed"),
                    other.getMessage());
            assertTrue(!newer.getMessage().contains("\n") && !other.getMessage().contains("\n"));
        }
    }

    /** A field of any kind as something assertEquals compares by value. */
    private static Object value(StateRecord r, String name) throws Exception {
        try {
            return r.getLong(name);
        } catch (io.modvm.api.state.StateException notLong) {
            try {
                return r.getRecord(name);
            } catch (io.modvm.api.state.StateException notRecord) {
                return java.util.HexFormat.of().formatHex(r.getBytes(name));
            }
        }
    }

    private static StateRecord withVersion(StateRecord r, int version) throws Exception {
        byte[] bytes = StateCodec.encode(r);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int typeLength = Short.toUnsignedInt(b.getShort(4));
        b.putShort(6 + typeLength, (short) version);
        return StateCodec.decode(bytes);
    }
}
