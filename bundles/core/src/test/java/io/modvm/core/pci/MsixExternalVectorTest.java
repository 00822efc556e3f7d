package io.modvm.core.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.modvm.api.accel.EventNotifier;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A vector whose notifier a signaller outside the VMM holds (a vhost back-end's call eventfd): its irqfd is attached
 * exactly while the guest lets the vector be delivered, so a masked vector's signals wait in the eventfd.
 */
class MsixExternalVectorTest {
    private final MsixTestHost host = new MsixTestHost();
    private final List<String> vm = host.vm;
    private final MsixTable table = new MsixTable("net0", host, 4);

    private void program(int vector, int data, boolean masked) {
        MsixTestHost.program(table, vector, data, masked);
    }

    @Test
    void theIrqfdIsAttachedOnlyWhileTheVectorCanBeDelivered() throws Exception {
        EventNotifier n = table.external(1);
        assertEquals(List.of(), vm, "MSI-X off and the vector masked: nothing attached");
        table.setControl(true, false);
        program(1, 0x41, false);
        assertEquals(List.of("route 24 41", "attach 24"), vm);
        vm.clear();
        program(1, 0x42, false);
        assertEquals("24 42", host.updates.get(host.updates.size() - 1), "reprogramming the entry moves the route");
        assertEquals(List.of(), vm, "the irqfd stays");
        vm.clear();
        table.write(MsixTable.ENTRY_SIZE + 12, 4, 1);
        assertEquals(List.of("detach 24", "free 24"), vm, "masked: the signals wait in the eventfd");
        vm.clear();
        table.write(MsixTable.ENTRY_SIZE + 12, 4, 0);
        assertEquals(List.of("route 25 42", "attach 25"), vm, "unmasked: KVM delivers what waited");
        vm.clear();
        table.setControl(true, true);
        assertEquals(List.of("detach 25", "free 25"), vm, "the function mask holds it too");
        vm.clear();
        table.setControl(true, false);
        assertEquals(List.of("route 26 42", "attach 26"), vm);
        vm.clear();
        n.await(0);
        table.signal(1);
        assertEquals(1, n.await(0), "the VMM's own signal goes through the same notifier");
        table.reset();
        assertEquals(List.of("detach 26", "free 26"), vm);
        assertSame(n, table.external(1), "the notifier outlives a reset");
    }

    @Test
    void aVectorNoOneHoldsKeepsThePendingBit() throws Exception {
        table.setControl(true, false);
        program(2, 0x50, true);
        table.signal(2);
        assertEquals(List.of(), vm, "a masked vector of the VMM's own is remembered, not routed");
        assertEquals(1L << 2, table.read(table.tableSize(), 8) & 0xF);
        table.write(2L * MsixTable.ENTRY_SIZE + 12, 4, 0);
        assertEquals(List.of("route 24 50", "attach 24"), vm, "delivered at the unmask");
    }
}
