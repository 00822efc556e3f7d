package io.modvm.devices.emulated.e1000;

import static io.modvm.devices.emulated.e1000.E1000Harness.MAC;
import static io.modvm.devices.emulated.e1000.E1000Harness.await;
import static io.modvm.devices.emulated.e1000.E1000Harness.frame;
import static io.modvm.devices.emulated.e1000.E1000Registers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import org.junit.jupiter.api.Test;

/** A successor takes over a quiesced e1000's state (a bundle update): the guest's rings go on where they were. */
class E1000HandOverTest {
    @Test
    void theSuccessorGoesOnWithTheRingsFilterInterruptsAndLink() throws Exception {
        try (E1000Harness h = new E1000Harness()) {
            h.receiveRing(8, 2048, RCTL_BAM);
            h.transmitRing(8);
            h.reg(IMS, ICR_RXT0 | ICR_LSC);
            h.reg(ITR, 195);
            h.reg(MTA + 12, 0x00F0_0000);
            h.backend.deliver(frame(MAC, 0x0800, 100));
            h.backend.deliver(frame(MAC, 0x0800, 100));
            assertTrue(await(() -> h.reg(RDH) == 2, 2000));
            assertTrue(h.pci.awaitIntx(true, 2000));
            h.device.setLink(false);
            h.device.quiesce();
            StateRecord state = h.device.saveState();
            h.device.close();

            E1000Device next = h.newDevice();
            next.restoreState(state);
            next.attach(h.pci);
            next.restoreInterrupts(state);
            next.start();
            try {
                assertTrue(h.pci.intx(), "the pending interrupt stays asserted");
                for (int reg : new int[] {RCTL, RDBAL, RDLEN, RDH, RDT, TCTL, TDLEN, IMS, ITR, MTA + 12}) {
                    assertEquals(h.reg(reg), (int) next.read(reg, 4), "register 0x" + Integer.toHexString(reg));
                }
                assertEquals(0, next.read(STATUS, 4) & STATUS_LU, "the link stays down");
                assertEquals(ICR_RXT0 | ICR_LSC, next.read(ICR, 4));
                next.setLink(true);
                h.backend.deliver(frame(MAC, 0x0800, 200));
                assertTrue(await(() -> next.read(RDH, 4) == 3, 2000), "the next frame goes to descriptor 2");
                assertEquals(204, h.rxLength(2));
            } finally {
                next.close();
            }
        }
    }

    @Test
    void aStateOfAnotherKindIsRefused() throws Exception {
        try (E1000Harness h = new E1000Harness()) {
            E1000Device next = h.newDevice();
            try {
                assertThrows(StateException.class, () -> next.restoreState(StateRecord.builder("virtio-net", 1)
                        .build()));
                StateRecord odd = StateRecord.builder("e1000", 1).put("registers", new byte[] {1, 2, 3, 4})
                        .build();
                assertThrows(StateException.class, () -> next.restoreState(odd));
            } finally {
                next.close();
            }
        }
    }
}
