package io.modvm.core.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * While a restore of the whole machine puts back the vCPUs' local APICs, MSI-X messages the resumed devices send
 * wait, and are delivered once each when the hold ends; a masked vector still only gets its pending bit.
 */
class MsixHoldTest {
    private final MsixTestHost host = new MsixTestHost();
    private final List<String> vm = host.vm;
    private final MsixTable table = new MsixTable("net0", host, 4);

    private void program(int vector, int data, boolean masked) {
        MsixTestHost.program(table, vector, data, masked);
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
        assertEquals(List.of(), host.irqfds);
        assertEquals(1L << 3, table.read(table.tableSize(), 8) & 0xF,
                "a held message is not a pending bit the guest sees; the masked vector's is");

        table.release();
        assertEquals(List.of("route 24 41", "attach 24"), vm, "vector 1 only: 0 was not signalled");
        assertEquals(1, host.irqfds.size());
        assertEquals(1, host.irqfds.get(0).await(0), "two signals while held make one message, as one interrupt would");
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
