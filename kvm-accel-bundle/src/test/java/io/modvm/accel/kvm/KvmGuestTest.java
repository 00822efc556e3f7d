package io.modvm.accel.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.accel.BootState;
import io.modvm.api.accel.CpuMode;
import io.modvm.api.accel.EventNotifier;
import io.modvm.api.accel.RamRegion;
import io.modvm.api.accel.Vcpu;
import io.modvm.api.accel.VcpuExitHandler;
import io.modvm.api.accel.VcpuStop;
import io.modvm.api.accel.VirtualMachine;
import io.modvm.api.accel.VmOptions;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs hand-assembled guest code under the real /dev/kvm: each CPU mode, port and MMIO exits, ioeventfd, and
 * pulling a spinning vCPU out of KVM_RUN.
 */
@Timeout(60)
class KvmGuestTest {
    private static final int DONE_PORT = 0xF0;
    private static final long CODE = 0x1000;
    private static final long RAM = 4 << 20;

    private VirtualMachine vm;
    private ByteBuffer memory;

    @BeforeEach
    void createVm() throws AcceleratorException {
        vm = new KvmAccelerator().createVm(new VmOptions("test", 1));
        RamRegion ram = vm.allocateRam("ram", RAM);
        vm.mapRam(0, 0, ram, 0, RAM, false);
        memory = ram.view(0, (int) RAM);
    }

    @AfterEach
    void closeVm() {
        vm.close();
    }

    /** Records port and MMIO writes; a write to DONE_PORT kicks the vCPU so that the run loop ends. */
    private static class Recorder implements VcpuExitHandler {
        final List<String> writes = new CopyOnWriteArrayList<>();
        Vcpu vcpu;
        long mmioValue;

        @Override
        public long pioRead(int port, int size) {
            return 0xFFFFFFFFL;
        }

        @Override
        public void pioWrite(int port, int size, long value) {
            writes.add(String.format("pio %x/%d=%x", port, size, value));
            if (port == DONE_PORT) {
                vcpu.kick();
            }
        }

        @Override
        public long mmioRead(long address, int size) {
            writes.add(String.format("mmio-read %x/%d", address, size));
            return mmioValue;
        }

        @Override
        public void mmioWrite(long address, int size, long value) {
            writes.add(String.format("mmio %x/%d=%x", address, size, value));
        }

        @Override
        public boolean onKick() {
            return false;
        }
    }

    private void load(long at, int... bytes) {
        for (int i = 0; i < bytes.length; i++) {
            memory.put((int) at + i, (byte) bytes[i]);
        }
    }

    private VcpuStop runOnFreshThread(BootState state, VcpuExitHandler handler, AtomicReference<Vcpu> out)
            throws Exception {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try (Vcpu vcpu = vm.createVcpu(0)) {
                out.set(vcpu);
                if (handler instanceof Recorder r) {
                    r.vcpu = vcpu;
                }
                vcpu.setBootState(state);
                result.set(vcpu.run(handler));
            } catch (Throwable e) {
                result.set(e);
            }
        }, "vcpu-test");
        t.start();
        t.join();
        if (result.get() instanceof Throwable e) {
            throw new AssertionError("vCPU thread failed", e);
        }
        return (VcpuStop) result.get();
    }

    private VcpuStop run(BootState state, Recorder recorder) throws Exception {
        return runOnFreshThread(state, recorder, new AtomicReference<>());
    }

    @Test
    void realModeGuestWritesAPort() throws Exception {
        load(CODE, 0xB0, 0x41, 0xE6, DONE_PORT, 0xEB, 0xFE); // mov al,'A'; out 0xf0,al; jmp $
        Recorder r = new Recorder();
        VcpuStop stop = run(new BootState(CpuMode.REAL, CODE, 0x8000, 0, 0, 0, 0, 0), r);
        assertEquals(VcpuStop.Reason.REQUESTED, stop.reason());
        assertEquals(List.of("pio f0/1=41"), r.writes);
    }

    @Test
    void resetStateFetchesTheFirstInstructionAtTheTopOf4GiB() throws Exception {
        // A 64 KiB read-only "firmware" at 0xFFFF0000 whose reset vector writes a port.
        RamRegion rom = vm.allocateRam("rom", 0x1_0000);
        ByteBuffer code = rom.view(0, 0x1_0000);
        int[] vector = {0xB0, 0x52, 0xE6, DONE_PORT, 0xEB, 0xFE}; // mov al,'R'; out 0xf0,al; jmp $
        for (int i = 0; i < vector.length; i++) {
            code.put(0xFFF0 + i, (byte) vector[i]);
        }
        vm.mapRam(1, 0xFFFF_0000L, rom, 0, 0x1_0000, true);
        Recorder r = new Recorder();
        AtomicReference<Vcpu> vcpu = new AtomicReference<>();
        VcpuStop stop = runOnFreshThread(BootState.reset(), r, vcpu);
        assertEquals(VcpuStop.Reason.REQUESTED, stop.reason());
        assertEquals(List.of("pio f0/1=52"), r.writes);
    }

    @Test
    void protectedModeGuestUses32BitOperandsAndMmio() throws Exception {
        load(CODE,
                0xC7, 0x05, 0x00, 0x00, 0x00, 0xD0, 0xEF, 0xBE, 0xAD, 0xDE, // mov dword [0xd0000000],0xdeadbeef
                0xA1, 0x08, 0x00, 0x00, 0xD0, // mov eax,[0xd0000008]
                0xE7, DONE_PORT, // out 0xf0,eax
                0xEB, 0xFE);
        Recorder r = new Recorder();
        r.mmioValue = 0x5A5A5A5AL;
        VcpuStop stop = run(new BootState(CpuMode.PROTECTED, CODE, 0x8000, 0, 0x1234, 0, 0, 0), r);
        assertEquals(VcpuStop.Reason.REQUESTED, stop.reason());
        assertEquals(List.of("mmio d0000000/4=deadbeef", "mmio-read d0000008/4", "pio f0/4=5a5a5a5a"), r.writes);
    }

    @Test
    void longModeGuestRunsWithIdentityPageTables() throws Exception {
        long pml4 = 0x10000;
        long pdpt = 0x11000;
        long pd = 0x12000;
        memory.putLong((int) pml4, pdpt | 3);
        memory.putLong((int) pdpt, pd | 3);
        for (int i = 0; i < 512; i++) {
            memory.putLong((int) pd + i * 8, ((long) i << 21) | 0x83);
        }
        load(CODE,
                0x48, 0xB8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, // mov rax,0x1122334455667788
                0x48, 0xA3, 0x00, 0x20, 0, 0, 0, 0, 0, 0, // mov [0x2000],rax
                0x48, 0xC1, 0xE8, 0x20, // shr rax,32
                0xE7, DONE_PORT, // out 0xf0,eax
                0xEB, 0xFE);
        Recorder r = new Recorder();
        VcpuStop stop = run(new BootState(CpuMode.LONG, CODE, 0x8000, 0, 0, pml4, 0, 0), r);
        assertEquals(VcpuStop.Reason.REQUESTED, stop.reason());
        assertEquals(0x1122334455667788L, memory.getLong(0x2000));
        assertEquals(List.of("pio f0/4=11223344"), r.writes);
    }

    @Test
    void ioeventfdCompletesWritesWithoutAnExit() throws Exception {
        try (EventNotifier kick = vm.bindIoEvent(0xF4, 1, true, OptionalLong.empty());
                EventNotifier matched = vm.bindIoEvent(0xF8, 2, true, OptionalLong.of(7))) {
            load(CODE,
                    0xB0, 0x01, 0xE6, 0xF4, 0xE6, 0xF4, 0xE6, 0xF4, // mov al,1; out 0xf4,al x3
                    0x66, 0xB8, 0x07, 0x00, 0x66, 0xE7, 0xF8, // mov ax,7; out 0xf8,ax (matches)
                    0x66, 0xB8, 0x09, 0x00, 0x66, 0xE7, 0xF8, // mov ax,9; out 0xf8,ax (no match: exits)
                    0xE6, DONE_PORT, 0xEB, 0xFE);
            Recorder r = new Recorder();
            run(new BootState(CpuMode.PROTECTED, CODE, 0x8000, 0, 0, 0, 0, 0), r);
            assertEquals(3, kick.await(1000));
            assertEquals(1, matched.await(1000));
            assertEquals(List.of("pio f8/2=9", "pio f0/1=9"), r.writes);
        }
    }

    @Test
    void kickPullsASpinningVcpuOutPromptly() throws Exception {
        load(CODE, 0xEB, 0xFE); // jmp $
        AtomicReference<Vcpu> vcpu = new AtomicReference<>();
        AtomicInteger kicks = new AtomicInteger(); // counted on the vCPU thread, read on the kicker's
        VcpuExitHandler handler = new Recorder() {
            @Override
            public boolean onKick() {
                return kicks.incrementAndGet() < 3;
            }
        };
        Thread kicker = new Thread(() -> {
            try {
                while (kicks.get() < 3) {
                    Thread.sleep(50);
                    if (vcpu.get() != null) {
                        vcpu.get().kick();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        kicker.start();
        long start = System.nanoTime();
        VcpuStop stop = runOnFreshThread(new BootState(CpuMode.PROTECTED, CODE, 0x8000, 0, 0, 0, 0, 0), handler,
                vcpu);
        kicker.join();
        assertEquals(VcpuStop.Reason.REQUESTED, stop.reason());
        assertEquals(3, kicks.get());
        // Without the kick the vCPU would spin until the class timeout; the bound only has to tell the two apart.
        assertTrue(System.nanoTime() - start < 30_000_000_000L, "three kicks took too long");
    }

    @Test
    void tripleFaultIsReportedWithRegisters() throws Exception {
        load(CODE, 0x0F, 0x0B); // ud2 with no IDT: #UD, #DF, shutdown
        VcpuStop stop = run(new BootState(CpuMode.PROTECTED, CODE, 0x8000, 0, 0, 0, 0, 0), new Recorder());
        assertEquals(VcpuStop.Reason.TRIPLE_FAULT, stop.reason(), stop.detail());
        assertEquals(CODE, stop.registers().values().get("rip"));
        assertTrue(stop.registers().format().startsWith("rip=0000000000001000"), stop.registers().format());
    }

    /** Delivery itself is proven by KvmInterruptTest; here, that the edge cases are not errors. */
    @Test
    void msiThatReachesNoCpuAndLinesOfAnIdleVmAreNotErrors() {
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> vm.signalMsi(0xFEE00000L, 0x30),
                "KVM answers -1 when no local APIC takes the message; that is not a failure");
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> vm.setIrqLine(4, true));
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> vm.setIrqLine(4, false));
        AcceleratorException bad = assertThrows(AcceleratorException.class,
                () -> vm.bindIoEvent(0x100, 3, true, OptionalLong.empty()));
        assertTrue(bad.getMessage().contains("length"), bad.getMessage());
    }

    @Test
    void aRefusedBindingLeavesNoDescriptorBehind() throws Exception {
        try (EventNotifier first = vm.bindIoEvent(0x300, 1, true, OptionalLong.empty())) {
            long before = openDescriptors();
            for (int i = 0; i < 50; i++) {
                AcceleratorException twice = assertThrows(AcceleratorException.class,
                        () -> vm.bindIoEvent(0x300, 1, true, OptionalLong.empty()), "KVM refuses a duplicate");
                assertTrue(twice.getMessage().startsWith("cannot bind an ioeventfd to port 0x300"),
                        twice.getMessage());
            }
            assertEquals(before, openDescriptors(), "each refused binding must close its eventfd");
        }
    }

    private static long openDescriptors() throws java.io.IOException {
        try (java.util.stream.Stream<java.nio.file.Path> fds = java.nio.file.Files.list(
                java.nio.file.Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void missingDeviceGivesOneClearLine() {
        AcceleratorException e = assertThrows(AcceleratorException.class,
                () -> new KvmAccelerator("/nonexistent/kvm").createVm(new VmOptions("x", 1)));
        assertTrue(e.getMessage().contains("/nonexistent/kvm does not exist"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void tooManyVcpusIsRefused() throws AcceleratorException {
        KvmAccelerator kvm = new KvmAccelerator();
        int max = kvm.maxVcpus();
        AcceleratorException e = assertThrows(AcceleratorException.class,
                () -> kvm.createVm(new VmOptions("x", max + 1)));
        assertTrue(e.getMessage().contains("-smp " + max), e.getMessage());
    }
}
