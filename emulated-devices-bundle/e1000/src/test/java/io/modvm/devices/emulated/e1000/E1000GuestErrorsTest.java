package io.modvm.devices.emulated.e1000;

import static io.modvm.devices.emulated.e1000.E1000Harness.MAC;
import static io.modvm.devices.emulated.e1000.E1000Harness.RAM;
import static io.modvm.devices.emulated.e1000.E1000Harness.RX_RING;
import static io.modvm.devices.emulated.e1000.E1000Harness.TX_BUFFERS;
import static io.modvm.devices.emulated.e1000.E1000Harness.await;
import static io.modvm.devices.emulated.e1000.E1000Harness.frame;
import static io.modvm.devices.emulated.e1000.E1000Registers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * What a broken or hostile driver writes does not hurt the VMM: rings and buffers outside RAM, heads and tails past
 * the ring, a ring full of one packet, offsets past the packet. Each is dropped or ignored and counted; the device
 * goes on once the driver programs it properly.
 */
class E1000GuestErrorsTest {
    private static final int EOP = 1 << 24;
    private static final int DEXT = 0x20 << 24;
    private static final int DATA = 1 << 20;

    @Test
    void aTransmitRingOutsideRamStopsUntilItIsProgrammedAgain() throws Exception {
        try (E1000Harness h = new E1000Harness()) {
            h.reg(TDBAL, 0);
            h.reg(TDBAH, 0x10);
            h.reg(TDLEN, 8 * 16);
            h.reg(TDH, 0);
            h.reg(TCTL, TCTL_EN);
            h.reg(TDT, 3);
            assertTrue(await(() -> h.device.guestErrors() > 0, 2000), "reported");
            assertEquals(0, h.reg(TDH), "nothing taken");
            long errors = h.device.guestErrors();
            h.reg(TDT, 4);
            h.reg(TDT, 5);
            Thread.sleep(50);
            assertEquals(errors, h.device.guestErrors(), "a new tail alone does not make the device read it again");
            h.transmitRing(8);
            h.memory.write(TX_BUFFERS, frame(MAC, 0x0800, 60), 0, 60);
            h.txDescriptor(0, TX_BUFFERS, 60 | EOP, 0);
            h.reg(TDT, 1);
            assertEquals(1, h.backend.awaitSent(1, 2000).size(), "works again once programmed");
        }
    }

    @Test
    void aTailOrHeadPastTheRingIsIgnored() throws Exception {
        try (E1000Harness h = new E1000Harness()) {
            h.transmitRing(8);
            h.memory.write(TX_BUFFERS, frame(MAC, 0x0800, 60), 0, 60);
            for (int i = 0; i < 8; i++) {
                h.txDescriptor(i, TX_BUFFERS, 60 | EOP, 0);
            }
            h.reg(TDT, 200);
            Thread.sleep(50);
            assertEquals(0, h.reg(TDH));
            assertTrue(h.backend.sent().isEmpty());
            h.reg(TDT, 2);
            assertEquals(2, h.backend.awaitSent(2, 2000).size());
            h.receiveRing(8, 2048, 0);
            h.reg(RDT, 9);
            h.backend.deliver(frame(MAC, 0x0800, 60));
            Thread.sleep(50);
            assertEquals(0, h.reg(RDH), "receive tail past the ring");
            h.reg(RDT, 4);
            assertTrue(await(() -> h.reg(RDH) == 1, 2000));
        }
    }

    @Test
    void bufferAddressesOutsideRamAndOffsetsPastThePacketDropThePacketButTheRingMoves() throws Exception {
        try (E1000Harness h = new E1000Harness()) {
            h.transmitRing(8);
            h.txDescriptor(0, RAM - 10, 60 | EOP, 0);
            h.txDescriptor(1, -4096, 60 | EOP, 0);
            h.memory.write(TX_BUFFERS, frame(MAC, 0x0800, 60), 0, 60);
            // checksum context whose field lies past the frame
            h.txDescriptor(2, 14 | 24L << 8 | 33L << 16 | 34L << 32 | 200L << 40, DEXT, 0);
            h.txDescriptor(3, TX_BUFFERS, 60 | DEXT | DATA | EOP, 2 << 8);
            h.txDescriptor(4, TX_BUFFERS, 60 | EOP, 0);
            h.reg(TDT, 5);
            assertTrue(await(() -> h.reg(TDH) == 5, 2000));
            assertEquals(1, h.backend.awaitSent(1, 500).size(), "only the good packet");
            assertTrue(h.device.guestErrors() >= 3);
        }
    }

    @Test
    void aRingFullOfOnePacketWithoutAnEndIsDropped() throws Exception {
        try (E1000Harness h = new E1000Harness()) {
            h.transmitRing(8);
            for (int i = 0; i < 8; i++) {
                h.txDescriptor(i, TX_BUFFERS, 100, 0);
            }
            h.reg(TDT, 7);
            assertTrue(await(() -> h.reg(TDH) == 7, 2000));
            assertTrue(h.backend.sent().isEmpty());
        }
    }

    @Test
    void segmentationWithAnMssOf0OrTooLargeOrAHeaderPastThePacketIsRefused() throws Exception {
        try (E1000Harness h = new E1000Harness()) {
            h.transmitRing(8);
            h.memory.write(TX_BUFFERS, frame(MAC, 0x0800, 200), 0, 200);
            int tso = (TxContext.CMD_TSE | TxContext.CMD_IP | TxContext.CMD_TCP) << 24;
            h.txDescriptor(0, 14 | 34L << 32 | 50L << 40, 146 | DEXT | tso, 54 << 8);
            h.txDescriptor(1, TX_BUFFERS, 200 | DEXT | DATA | EOP | 4 << 24, 2 << 8);
            h.txDescriptor(2, 14 | 34L << 32 | 50L << 40, 146 | DEXT | tso, 250 << 8 | 1000 << 16);
            h.txDescriptor(3, TX_BUFFERS, 200 | DEXT | DATA | EOP | 4 << 24, 2 << 8);
            h.txDescriptor(4, 14 | 34L << 32 | 50L << 40, 19946 | DEXT | tso, 54 << 8 | 0xFFFF << 16);
            h.txDescriptor(5, TX_BUFFERS, 20000 | DEXT | DATA | EOP | 4 << 24, 2 << 8);
            h.reg(TDT, 6);
            assertTrue(await(() -> h.reg(TDH) == 6, 2000), "an MSS larger than a frame is refused too");
            Thread.sleep(20);
            assertTrue(h.backend.sent().isEmpty());
        }
    }

    @Test
    void receiveDescriptorsOutsideRamOrPointingOutsideIt() throws Exception {
        try (E1000Harness h = new E1000Harness()) {
            h.receiveRing(8, 2048, 0);
            h.memory.writeLong(RX_RING, 0);
            h.memory.writeLong(RX_RING + 16, RAM - 100);
            h.backend.deliver(frame(MAC, 0x0800, 100));
            assertTrue(await(() -> h.reg(RDH) == 3, 2000), "the bad buffers are handed back empty");
            assertEquals(0x80, h.memory.readByte(RX_RING + 13) & 0xFF, "RXE");
            assertEquals(0x03, h.rxStatus(0) & 0x03);
            assertEquals(104, h.rxLength(2), "the frame went to the first good buffer");
            h.reg(RDBAL, 0);
            h.reg(RDBAH, 1);
            h.reg(RDH, 0);
            h.reg(RDT, 4);
            h.backend.deliver(frame(MAC, 0x0800, 100));
            assertTrue(await(() -> h.device.guestErrors() >= 3, 2000));
            // Reprogrammed with receive off, as a driver does: between single register writes the device could
            // otherwise take the frame into the half-programmed ring.
            int rctl = h.reg(RCTL);
            h.reg(RCTL, rctl & ~RCTL_EN);
            h.reg(RDBAL, (int) RX_RING);
            h.reg(RDBAH, 0);
            h.reg(RDH, 0);
            h.reg(RDT, 4);
            h.reg(RCTL, rctl);
            assertTrue(await(() -> h.reg(RDH) == 3, 2000), "programmed again, it receives (past the two bad ones)");
            assertEquals(104, h.rxLength(2));
        }
    }

    @Test
    void withoutBusMasteringTheDeviceTouchesNoRam() throws Exception {
        try (E1000Harness h = new E1000Harness()) {
            h.pci.busMaster(false);
            h.receiveRing(8, 2048, 0);
            h.backend.deliver(frame(MAC, 0x0800, 100));
            Thread.sleep(50);
            assertEquals(0, h.reg(RDH));
            assertEquals(1, h.backend.waiting());
        }
    }
}
