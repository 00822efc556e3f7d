package io.modvm.devices.emulated.e1000;

import static io.modvm.devices.emulated.e1000.E1000Harness.MAC;
import static io.modvm.devices.emulated.e1000.E1000Harness.RX_BUFFERS;
import static io.modvm.devices.emulated.e1000.E1000Harness.await;
import static io.modvm.devices.emulated.e1000.E1000Harness.frame;
import static io.modvm.devices.emulated.e1000.E1000Registers.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Frames from the backend into the receive ring, through the filter, as Linux's e1000 sets the ring up. */
class E1000ReceiveTest {
    private static final byte[] OTHER = {0x52, 0x54, 0x00, 0x65, 0x43, 0x21};
    private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
    private static final int DD_EOP_IXSM = 0x07;

    private static boolean moved(E1000Harness h, int head) throws InterruptedException {
        return await(() -> h.reg(RDH) == head, 2000);
    }

    /** Gives a frame to the NIC and waits until the backend has none left: taken, whether delivered or not. */
    private static void taken(E1000Harness h, byte[] f) throws InterruptedException {
        h.backend.deliver(f);
        assertTrue(await(() -> h.backend.waiting() == 0, 2000), "the device read the frame");
        Thread.sleep(20);
    }

    @Test
    void aFrameLandsInTheBufferWithDoneEndOfPacketAndItsLengthWithFcs() throws Exception {
        try (E1000Harness h = new E1000Harness()) {
            h.reg(IMS, ICR_RXT0);
            h.receiveRing(8, 2048, RCTL_BAM);
            byte[] f = frame(MAC, 0x0800, 1514);
            h.backend.deliver(f);
            assertTrue(moved(h, 1));
            assertEquals(DD_EOP_IXSM, h.rxStatus(0));
            assertEquals(1514 + 4, h.rxLength(0), "SECRC clear: the length counts the FCS, which Linux takes off");
            assertArrayEquals(f, h.memory.bytes(RX_BUFFERS, 1514));
            assertTrue(h.pci.awaitIntx(true, 2000), "RXT0 interrupts");
            assertEquals(ICR_RXT0, h.reg(ICR) & ICR_RXT0);
        }
    }

    @Test
    void shortFramesArePaddedAndSecrcLeavesTheFcsOut() throws Exception {
        try (E1000Harness h = new E1000Harness()) {
            h.memory.fill(RX_BUFFERS, 2048, (byte) 0x55);
            h.receiveRing(8, 2048, RCTL_SECRC);
            byte[] arp = frame(MAC, 0x0806, 42);
            h.backend.deliver(arp);
            assertTrue(moved(h, 1));
            assertEquals(60, h.rxLength(0));
            byte[] got = h.memory.bytes(RX_BUFFERS, 61);
            assertArrayEquals(arp, Arrays.copyOf(got, 42));
            assertArrayEquals(new byte[18], Arrays.copyOfRange(got, 42, 60), "padded with zeros");
            assertEquals(0x55, got[60], "nothing written past the frame");
        }
    }

    @Test
    void theFilterTakesOurAddressBroadcastWithBamMulticastByHashAndAllWithPromiscuous() throws Exception {
        try (E1000Harness h = new E1000Harness()) {
            h.receiveRing(16, 2048, 0);
            taken(h, frame(OTHER, 0x0800, 100));
            taken(h, frame(BROADCAST, 0x0806, 60));
            assertEquals(0, h.reg(RDH), "another's unicast and (without BAM) broadcast are turned away");
            h.reg(RCTL, h.reg(RCTL) | RCTL_BAM);
            h.backend.deliver(frame(BROADCAST, 0x0806, 60));
            assertTrue(moved(h, 1));
            byte[] group = {0x01, 0x00, 0x5e, 0x00, 0x00, (byte) 0xfb};
            taken(h, frame(group, 0x0800, 80));
            assertEquals(1, h.reg(RDH), "no hash bit set");
            // MO = 0: bits 47:36 of the address, ((0xfb << 8 | 0x00) >> 4) & 0xfff = 0xfb0.
            int hash = 0xfb0;
            h.reg(MTA + 4 * (hash >>> 5), 1 << (hash & 31));
            h.backend.deliver(frame(group, 0x0800, 80));
            assertTrue(moved(h, 2));
            h.reg(RA + 8, 0x65005452);
            h.reg(RA + 12, 0x2143 | RAH_AV);
            h.backend.deliver(frame(OTHER, 0x0800, 100));
            assertTrue(moved(h, 3), "a second receive address");
            h.reg(RCTL, h.reg(RCTL) | RCTL_UPE);
            h.backend.deliver(frame(new byte[] {0x02, 0, 0, 0, 0, 1}, 0x0800, 100));
            assertTrue(moved(h, 4), "promiscuous");
        }
    }

    @Test
    void aFrameSpreadsOverSmallBuffersWithEndOfPacketOnTheLast() throws Exception {
        try (E1000Harness h = new E1000Harness()) {
            h.receiveRing(16, 256, 3 << RCTL_BSIZE_SHIFT);
            byte[] f = frame(MAC, 0x0800, 600);
            h.backend.deliver(f);
            assertTrue(moved(h, 3), "604 bytes with FCS: three 256-byte buffers");
            assertEquals(0x05, h.rxStatus(0), "DD, IXSM, no EOP");
            assertEquals(256, h.rxLength(0));
            assertEquals(0x05, h.rxStatus(1));
            assertEquals(DD_EOP_IXSM, h.rxStatus(2));
            assertEquals(604 - 512, h.rxLength(2));
            assertArrayEquals(f, h.memory.bytes(RX_BUFFERS, 600));
        }
    }

    @Test
    void longFramesNeedLpeAndTagsAreStrippedInVlanMode() throws Exception {
        try (E1000Harness h = new E1000Harness()) {
            h.receiveRing(16, 2048, RCTL_SECRC);
            taken(h, frame(MAC, 0x0800, 1600));
            assertEquals(0, h.reg(RDH), "longer than 1518 without LPE");
            assertEquals(1, h.reg(0x40AC), "ROC");
            h.reg(CTRL, h.reg(CTRL) | CTRL_VME);
            byte[] tagged = frame(MAC, 0x8100, 100);
            tagged[14] = 0x20;
            tagged[15] = 0x05;
            tagged[16] = 0x08;
            tagged[17] = 0x00;
            h.backend.deliver(tagged);
            assertTrue(moved(h, 1));
            assertEquals(DD_EOP_IXSM | 0x08, h.rxStatus(0), "VP");
            assertEquals(96, h.rxLength(0));
            assertEquals(0x2005, h.memory.readShort(E1000Harness.RX_RING + 14) & 0xFFFF, "the tag in special");
            byte[] got = h.memory.bytes(RX_BUFFERS, 96);
            assertArrayEquals(Arrays.copyOf(tagged, 12), Arrays.copyOf(got, 12));
            assertEquals(0x08, got[12]);
            assertArrayEquals(Arrays.copyOfRange(tagged, 18, 100), Arrays.copyOfRange(got, 14, 96));
        }
    }

    @Test
    void withoutFreeDescriptorsFramesWaitInTheBackendUntilTheDriverGivesMore() throws Exception {
        try (E1000Harness h = new E1000Harness()) {
            h.reg(IMS, ICR_RXDMT0);
            h.receiveRing(8, 2048, 0);
            for (int i = 0; i < 9; i++) {
                h.backend.deliver(frame(MAC, 0x0800, 64 + i));
            }
            assertTrue(moved(h, 7), "seven descriptors were the device's");
            Thread.sleep(50);
            assertEquals(2, h.backend.waiting(), "the rest wait");
            assertEquals(ICR_RXDMT0, h.reg(ICR) & ICR_RXDMT0, "the minimum threshold was crossed");
            h.reg(RDT, 1);
            assertTrue(moved(h, 1));
            assertEquals(0, h.backend.waiting());
            assertEquals(64 + 8 + 4, h.rxLength(0));
        }
    }

    @Test
    void aViewRamCannotGiveIsCopiedAndAVnetHeaderIsSkipped() throws Exception {
        try (E1000Harness h = new E1000Harness(true)) {
            assertEquals(-1, h.backend.offloads(), "only the factory asks the backend");
            h.memory.refuseViewsFrom(RX_BUFFERS);
            h.receiveRing(8, 2048, 0);
            byte[] f = frame(MAC, 0x0800, 300);
            h.backend.deliver(f);
            assertTrue(moved(h, 1));
            assertEquals(304, h.rxLength(0));
            assertArrayEquals(f, h.memory.bytes(RX_BUFFERS, 300));
        }
    }

    @Test
    void whileTheLinkIsDownFramesAreDropped() throws Exception {
        try (E1000Harness h = new E1000Harness()) {
            h.receiveRing(8, 2048, 0);
            h.device.setLink(false);
            taken(h, frame(MAC, 0x0800, 100));
            assertEquals(0, h.reg(RDH));
            h.device.setLink(true);
            h.backend.deliver(frame(MAC, 0x0800, 100));
            assertTrue(moved(h, 1));
        }
    }
}
