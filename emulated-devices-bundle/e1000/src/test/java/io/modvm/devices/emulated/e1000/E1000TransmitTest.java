package io.modvm.devices.emulated.e1000;

import static io.modvm.devices.emulated.e1000.E1000Harness.MAC;
import static io.modvm.devices.emulated.e1000.E1000Harness.TX_BUFFERS;
import static io.modvm.devices.emulated.e1000.E1000Harness.TX_RING;
import static io.modvm.devices.emulated.e1000.E1000Harness.await;
import static io.modvm.devices.emulated.e1000.E1000Harness.frame;
import static io.modvm.devices.emulated.e1000.E1000Registers.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Packets from the transmit ring to the backend: legacy descriptors, checksum offload, segmentation, tags. */
class E1000TransmitTest {
    private static final byte[] PEER = {0x52, 0x54, 0x00, (byte) 0xaa, (byte) 0xbb, (byte) 0xcc};
    private static final int EOP = 1 << 24;
    private static final int IFCS = 2 << 24;
    private static final int IC_TSE = 4 << 24;
    private static final int RS = 8 << 24;
    private static final int DEXT = 0x20 << 24;
    private static final int VLE = 0x40 << 24;
    private static final int DATA = 1 << 20;
    private static final int IXSM = 1 << 8;
    private static final int TXSM = 2 << 8;

    private static boolean done(E1000Harness h, int head) throws InterruptedException {
        return await(() -> h.reg(TDH) == head, 2000);
    }

    /** An IPv4 TCP packet to the peer: 14 + 20 + 20 bytes of headers and {@code payload} bytes. */
    static byte[] tcpPacket(int payload, boolean pseudoSumInChecksum) {
        byte[] p = frame(PEER, 0x0800, 54 + payload);
        p[14] = 0x45;
        TxOffload.putShort(p, 16, 40 + payload);
        TxOffload.putShort(p, 18, 0x1234);
        p[20] = 0x40;
        p[22] = 64;
        p[23] = 6;
        TxOffload.putShort(p, 24, 0);
        byte[] src = {10, 0, 2, 15};
        byte[] dst = {10, 0, 2, 1};
        System.arraycopy(src, 0, p, 26, 4);
        System.arraycopy(dst, 0, p, 30, 4);
        TxOffload.putShort(p, 34, 40000);
        TxOffload.putShort(p, 36, 7001);
        TxOffload.putInt(p, 38, 0x10000000);
        TxOffload.putInt(p, 42, 0x2000);
        p[46] = 0x50;
        p[47] = 0x18 | 0x01;
        TxOffload.putShort(p, 48, 65535);
        TxOffload.putShort(p, 50, 0);
        TxOffload.putShort(p, 52, 0);
        if (pseudoSumInChecksum) {
            // What Linux leaves for TSO: the pseudo-header sum without the length.
            TxOffload.putShort(p, 50, InternetChecksum.fold(InternetChecksum.add(6, p, 26, 8)));
        }
        return p;
    }

    private static boolean ipChecksumOk(byte[] f) {
        return InternetChecksum.fold(InternetChecksum.add(0, f, 14, 20)) == 0xFFFF;
    }

    private static boolean tcpChecksumOk(byte[] f) {
        int tcpLength = f.length - 34;
        long pseudo = InternetChecksum.add(6 + tcpLength, f, 26, 8);
        return InternetChecksum.fold(InternetChecksum.add(pseudo, f, 34, tcpLength)) == 0xFFFF;
    }

    @Test
    void aLegacyPacketOfTwoBuffersGoesOutWhole() throws Exception {
        try (E1000Harness h = new E1000Harness()) {
            h.reg(IMS, ICR_TXDW);
            h.transmitRing(8);
            byte[] f = frame(PEER, 0x0800, 1000);
            h.memory.write(TX_BUFFERS, f, 0, 400);
            h.memory.write(TX_BUFFERS + 0x1000, f, 400, 600);
            h.txDescriptor(0, TX_BUFFERS, 400 | IFCS, 0);
            h.txDescriptor(1, TX_BUFFERS + 0x1000, 600 | EOP | IFCS | RS, 0);
            h.reg(TDT, 2);
            assertTrue(done(h, 2));
            List<byte[]> sent = h.backend.awaitSent(1, 2000);
            assertEquals(1, sent.size());
            assertArrayEquals(f, sent.get(0));
            assertEquals(1, h.memory.readByte(TX_RING + 16 + 12) & 1, "DD where RS asked");
            assertEquals(0, h.memory.readByte(TX_RING + 12) & 1, "not where it did not");
            assertTrue(h.pci.awaitIntx(true, 2000));
            assertEquals(ICR_TXDW | ICR_TXQE, h.reg(ICR) & (ICR_TXDW | ICR_TXQE));
            assertEquals(1, h.reg(Statistics.GPTC));
        }
    }

    @Test
    void aPacketWaitsForItsEndOfPacketDescriptor() throws Exception {
        try (E1000Harness h = new E1000Harness()) {
            h.transmitRing(8);
            byte[] f = frame(PEER, 0x0800, 200);
            h.memory.write(TX_BUFFERS, f, 0, 200);
            h.txDescriptor(0, TX_BUFFERS, 100 | RS, 0);
            h.txDescriptor(1, TX_BUFFERS + 100, 100 | EOP | RS, 0);
            h.reg(TDT, 1);
            Thread.sleep(50);
            assertEquals(0, h.reg(TDH), "half a packet is not taken");
            assertTrue(h.backend.sent().isEmpty());
            h.reg(TDT, 2);
            assertTrue(done(h, 2));
            assertArrayEquals(f, h.backend.awaitSent(1, 2000).get(0));
        }
    }

    @Test
    void checksumOffloadFinishesTheTcpChecksumTheDriverLeft() throws Exception {
        try (E1000Harness h = new E1000Harness()) {
            h.transmitRing(8);
            byte[] p = tcpPacket(300, false);
            // CHECKSUM_PARTIAL: the field holds the pseudo-header sum with the length.
            TxOffload.putShort(p, 50, InternetChecksum.fold(InternetChecksum.add(6 + 320, p, 26, 8)));
            TxOffload.putShort(p, 24, 0);
            h.memory.write(TX_BUFFERS, p, 0, p.length);
            // Context: IP checksum 14..33 at 24, TCP checksum from 34 to the end at 50.
            long offsets = 14 | 24L << 8 | 33L << 16 | 34L << 32 | 50L << 40;
            h.txDescriptor(0, offsets, DEXT | TxContext.CMD_IP << 24 | TxContext.CMD_TCP << 24, 0);
            h.txDescriptor(1, TX_BUFFERS, p.length | DEXT | DATA | EOP | RS, IXSM | TXSM);
            h.reg(TDT, 2);
            assertTrue(done(h, 2));
            byte[] sent = h.backend.awaitSent(1, 2000).get(0);
            assertTrue(ipChecksumOk(sent), "IP header checksum inserted");
            assertTrue(tcpChecksumOk(sent), "TCP checksum finished");
            assertArrayEquals(Arrays.copyOfRange(p, 54, p.length), Arrays.copyOfRange(sent, 54, sent.length));
        }
    }

    @Test
    void segmentationCutsAPacketIntoMssFramesWithTheirOwnHeaders() throws Exception {
        try (E1000Harness h = new E1000Harness()) {
            h.transmitRing(8);
            int payload = 4000;
            byte[] p = tcpPacket(payload, true);
            h.memory.write(TX_BUFFERS, p, 0, 54);
            h.memory.write(TX_BUFFERS + 0x1000, p, 54, payload);
            long offsets = 14 | 24L << 8 | 33L << 16 | 34L << 32 | 50L << 40;
            int tso = TxContext.CMD_TSE << 24 | TxContext.CMD_IP << 24 | TxContext.CMD_TCP << 24;
            h.txDescriptor(0, offsets, payload | DEXT | tso, 54 << 8 | 1460 << 16);
            h.txDescriptor(1, TX_BUFFERS, 54 | DEXT | DATA | IC_TSE, IXSM | TXSM);
            h.txDescriptor(2, TX_BUFFERS + 0x1000, payload | DEXT | DATA | IC_TSE | EOP | RS, IXSM | TXSM);
            h.reg(TDT, 3);
            assertTrue(done(h, 3));
            List<byte[]> sent = h.backend.awaitSent(3, 2000);
            assertEquals(3, sent.size(), "1460 + 1460 + 1080");
            int[] sizes = {1460, 1460, 1080};
            for (int i = 0; i < 3; i++) {
                byte[] f = sent.get(i);
                assertEquals(54 + sizes[i], f.length);
                assertEquals(40 + sizes[i], TxOffload.getShort(f, 16), "IP total length");
                assertEquals(0x1234 + i, TxOffload.getShort(f, 18), "IP id");
                assertEquals(0x10000000 + 1460 * i, TxOffload.getInt(f, 38), "sequence number");
                assertEquals(i == 2 ? 0x19 : 0x10, f[47] & 0xFF, "PSH and FIN only on the last");
                assertTrue(ipChecksumOk(f), "IP checksum of frame " + i);
                assertTrue(tcpChecksumOk(f), "TCP checksum of frame " + i);
                assertArrayEquals(Arrays.copyOfRange(p, 54 + 1460 * i, 54 + 1460 * i + sizes[i]),
                        Arrays.copyOfRange(f, 54, f.length));
            }
            assertEquals(1, h.reg(Statistics.TSCTC));
        }
    }

    @Test
    void vlanModeInsertsTheDescriptorsTag() throws Exception {
        try (E1000Harness h = new E1000Harness(true)) {
            h.reg(CTRL, h.reg(CTRL) | CTRL_VME);
            h.transmitRing(8);
            byte[] f = frame(PEER, 0x0800, 100);
            h.memory.write(TX_BUFFERS, f, 0, 100);
            h.txDescriptor(0, TX_BUFFERS, 100 | EOP | VLE, 0x0007 << 16);
            h.reg(TDT, 1);
            byte[] sent = h.backend.awaitSent(1, 2000).get(0);
            assertEquals(104, sent.length);
            assertArrayEquals(Arrays.copyOf(f, 12), Arrays.copyOf(sent, 12));
            assertEquals(0x8100, TxOffload.getShort(sent, 12));
            assertEquals(7, TxOffload.getShort(sent, 14));
            assertArrayEquals(Arrays.copyOfRange(f, 12, 100), Arrays.copyOfRange(sent, 16, 104));
        }
    }

    @Test
    void aLegacyChecksumAndACopiedPacketWhereRamGivesNoView() throws Exception {
        try (E1000Harness h = new E1000Harness()) {
            h.memory.refuseViewsFrom(TX_BUFFERS);
            h.transmitRing(8);
            byte[] p = tcpPacket(100, false);
            TxOffload.putShort(p, 50, InternetChecksum.fold(InternetChecksum.add(6 + 120, p, 26, 8)));
            h.memory.write(TX_BUFFERS, p, 0, p.length);
            // CSO 50, CSS 34
            h.txDescriptor(0, TX_BUFFERS, p.length | 50 << 16 | EOP | IC_TSE, 34 << 8);
            h.reg(TDT, 1);
            byte[] sent = h.backend.awaitSent(1, 2000).get(0);
            assertTrue(tcpChecksumOk(sent));
            byte[] plain = frame(MAC, 0x0800, 80);
            h.memory.write(TX_BUFFERS + 0x1000, plain, 0, 80);
            h.txDescriptor(1, TX_BUFFERS + 0x1000, 80 | EOP, 0);
            h.reg(TDT, 2);
            assertArrayEquals(plain, h.backend.awaitSent(2, 2000).get(1), "no view: copied");
        }
    }
}
