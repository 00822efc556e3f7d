package io.modvm.accel.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modvm.api.accel.BootState;
import io.modvm.api.accel.CpuMode;
import io.modvm.api.accel.EventNotifier;
import io.modvm.api.accel.RamRegion;
import io.modvm.api.accel.VcpuStop;
import io.modvm.api.accel.VirtualMachine;
import io.modvm.api.accel.VmOptions;
import io.modvm.testguest.TestGuestBuilder;
import io.modvm.testguest.TestGuestImage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny guest with interrupt handlers proves that an irqfd reaches the guest through the in-kernel PIC and that
 * an MSI reaches it through its local APIC.
 */
@Timeout(60)
class KvmInterruptTest {
    private static final long RAM = 16 << 20;

    @TempDir
    Path work;

    private interface MsiSender {
        void send() throws Exception;
    }

    @Test
    void irqfdAndMsiReachTheGuest() throws Exception {
        try (VirtualMachine vm = new KvmAccelerator().createVm(new VmOptions("irq", 1))) {
            assertEquals(List.of(5, 0x41), runGuest(vm, () -> vm.signalMsi(0xFEE0_0000L, 0x41)),
                    "IRQ 5 through the irqfd, then vector 0x41 through the MSI");
        }
    }

    /** The path MSI-X takes: a GSI routed to the message, and a notifier that belongs to no VM attached to it. */
    @Test
    void msiRouteWithAnAttachedNotifierReachesTheGuest() throws Exception {
        KvmAccelerator accel = new KvmAccelerator();
        try (EventNotifier msi = accel.createNotifier();
                VirtualMachine vm = accel.createVm(new VmOptions("msi-route", 1))) {
            var route = vm.routeMsi(0xFEE0_0000L, 0x30);
            route.update(0xFEE0_0000L, 0x41);
            try (var attachment = vm.attachIrq(msi, route.gsi())) {
                assertEquals(List.of(5, 0x41), runGuest(vm, msi::signal),
                        "vector 0x41 through the routed GSI's irqfd, after the route was re-pointed");
            }
            route.close();
        }
    }

    private List<Integer> runGuest(VirtualMachine vm, MsiSender msiSender) throws Exception {
        Path elf = TestGuestBuilder.build(work, "guests/interrupts.c");
        List<Integer> reported = new CopyOnWriteArrayList<>();
        try (EventNotifier irq5 = vm.bindIrq(5)) {
            RamRegion ram = vm.allocateRam("ram", RAM);
            vm.mapRam(0, 0, ram, 0, RAM, false);
            TestGuestImage image = TestGuestImage.read(elf);
            image.loadInto(ram.view(0, (int) RAM));
            BootState boot = new BootState(CpuMode.PROTECTED, image.entry(), 0, 0, 0, 0, 0, 0);
            try (VcpuRunner runner = new VcpuRunner(vm, v -> {
                v.setBootState(boot);
                return null;
            }, (port, value, vcpu) -> {
                if (port == 0xF2 && value == 1) {
                    irq5.signal();
                } else if (port == 0xF2 && value == 2) {
                    msiSender.send();
                } else if (port == 0xF1) {
                    reported.add((int) value);
                } else if (port == 0xF0) {
                    vcpu.kick();
                }
            })) {
                assertEquals(VcpuStop.Reason.REQUESTED, runner.awaitStop().reason());
            }
        }
        return reported;
    }
}
