package io.modvm.core.pci;

import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.accel.Attachment;
import io.modvm.api.accel.EventNotifier;
import io.modvm.api.accel.MsiRoute;
import io.modvm.api.device.BusHandler;
import io.modvm.core.testing.StubVm;
import java.util.ArrayList;
import java.util.List;

/**
 * The PCI host and VM an MSI-X table test puts a {@link MsixTable} on: it records what reaches the VM (routes,
 * irqfd attachments, injected messages), each route update, and the irqfds the table makes.
 */
final class MsixTestHost implements PciHost {
    /** What reached the VM, in order: "route GSI DATA", "attach GSI", "detach GSI", "free GSI", "msi DATA". */
    final List<String> vm = new ArrayList<>();
    /** Route updates: each write of an entry's dword makes one, whether or not the message changed. */
    final List<String> updates = new ArrayList<>();
    /** The irqfds the table made, in order: one a vector, on its first delivery. */
    final List<PciRootBusTest.CountingNotifier> irqfds = new ArrayList<>();
    private final Vm machine = new Vm();

    private final class Vm extends StubVm {
        private int nextGsi = 24;

        @Override
        public void signalMsi(long address, int data) {
            vm.add("msi " + Integer.toHexString(data));
        }

        @Override
        public Attachment attachIrq(EventNotifier notifier, int gsi) {
            vm.add("attach " + gsi);
            return () -> vm.add("detach " + gsi);
        }

        @Override
        public MsiRoute routeMsi(long address, int data) {
            int gsi = nextGsi++;
            vm.add("route " + gsi + " " + Integer.toHexString(data));
            return new MsiRoute() {
                @Override
                public int gsi() {
                    return gsi;
                }

                @Override
                public void update(long newAddress, int newData) {
                    updates.add(gsi + " " + Integer.toHexString(newData));
                }

                @Override
                public void close() {
                    vm.add("free " + gsi);
                }
            };
        }
    }

    @Override
    public boolean mapMmio(long base, long length, String owner, BusHandler handler) {
        return true;
    }

    @Override
    public void unmapMmio(String owner) {
    }

    @Override
    public void fenceMmio(String owner) {
    }

    @Override
    public EventNotifier createNotifier() {
        PciRootBusTest.CountingNotifier n = new PciRootBusTest.CountingNotifier();
        irqfds.add(n);
        return n;
    }

    @Override
    public <T> T withVm(VmAction<T> action) throws AcceleratorException {
        return action.apply(machine);
    }

    /** Writes entry {@code vector} of {@code table}: a message to the local APIC with {@code data}. */
    static void program(MsixTable table, int vector, int data, boolean masked) {
        long at = (long) vector * MsixTable.ENTRY_SIZE;
        table.write(at, 4, 0xFEE0_0000L);
        table.write(at + 4, 4, 0);
        table.write(at + 8, 4, data);
        table.write(at + 12, 4, masked ? 1 : 0);
    }
}
