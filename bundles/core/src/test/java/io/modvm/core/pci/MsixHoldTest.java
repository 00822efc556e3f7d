package io.modvm.core.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.accel.Attachment;
import io.modvm.api.accel.EventNotifier;
import io.modvm.api.accel.MsiRoute;
import io.modvm.api.device.BusHandler;
import io.modvm.core.testing.StubVm;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * While a restore of the whole machine puts back the vCPUs' local APICs, MSI-X messages the resumed devices send
 * wait, and are delivered once each when the hold ends; a masked vector still only gets its pending bit.
 */
class MsixHoldTest {
    private final List<String> vm = new ArrayList<>();
    /** Route updates: each write of an entry's dword makes one, whether or not the message changed. */
    private final List<String> updates = new ArrayList<>();

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

    private final Vm machine = new Vm();
    /** The irqfds the table made, in order: one a vector, on its first delivery. */
    private final List<PciRootBusTest.CountingNotifier> irqfds = new ArrayList<>();
    private final PciHost host = new PciHost() {
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
    };

    private final MsixTable table = new MsixTable("net0", host, 4);

    private void program(int vector, int data, boolean masked) {
        long at = (long) vector * MsixTable.ENTRY_SIZE;
        table.write(at, 4, 0xFEE0_0000L);
        table.write(at + 4, 4, 0);
        table.write(at + 8, 4, data);
        table.write(at + 12, 4, masked ? 1 : 0);
    }

    @Test
    void messagesSentWhileHeldArriveOnceAtTheRelease() throws Exception {
        table.setControl(true, false);
        program(0, 0x40, false);
        program(1, 0x41, false);
        program(3, 0x43, true);
        table.hold();
        assertTrue(table.signal(1));
        assertTrue(table.signal(1));
        assertTrue(table.signal(3));
        assertEquals(List.of(), vm, "nothing reaches the VM while held");
        assertEquals(List.of(), irqfds);
        assertEquals(1L << 3, table.read(table.tableSize(), 8) & 0xF,
                "a held message is not a pending bit the guest sees; the masked vector's is");

        table.release();
        assertEquals(List.of("route 24 41", "attach 24"), vm, "vector 1 only: 0 was not signalled");
        assertEquals(1, irqfds.size());
        assertEquals(1, irqfds.get(0).await(0), "two signals while held make one message, as one interrupt would");
        assertEquals(1L << 3, table.read(table.tableSize(), 8) & 0xF, "the masked vector keeps its pending bit");

        vm.clear();
        table.signal(0);
        assertEquals(List.of("route 25 40", "attach 25"), vm, "after the release, messages go straight through");
    }

    @Test
    void aResetForgetsHeldMessages() throws Exception {
        table.setControl(true, false);
        program(1, 0x41, false);
        table.hold();
        table.signal(1);
        table.reset();
        table.release();
        assertEquals(List.of(), vm);
    }
}
