package io.modvm.virtio.net;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The checks on a transmitted frame's virtio-net header, field by field. */
class TxHeaderTest {
    private static final long CSUM = 1L << VirtioNet.F_CSUM;
    private static final long TSO4 = CSUM | 1L << VirtioNet.F_HOST_TSO4;
    private static final long ALL = TSO4 | 1L << VirtioNet.F_HOST_TSO6 | 1L << VirtioNet.F_HOST_ECN;

    private static TxHeader h(int flags, int gso, int hdrLen, int gsoSize, int start, int offset) {
        return new TxHeader(flags, gso, hdrLen, gsoSize, start, offset);
    }

    @Test
    void aPlainFrameNeedsOnlyItsEthernetHeader() throws Exception {
        assertNull(h(0, 0, 0, 0, 0, 0).problem(60, 0, VirtioNet.MAX_PLAIN_FRAME));
        assertNotNull(h(0, 0, 0, 0, 0, 0).problem(13, ALL, VirtioNet.MAX_PLAIN_FRAME), "shorter than an Ethernet header");
        assertNotNull(h(0, 0, 0, 0, 0, 0).problem(VirtioNet.MAX_PLAIN_FRAME + 1, ALL, VirtioNet.MAX_PLAIN_FRAME),
                "too long unsegmented");
        NetConfig bigMtu = NetConfig.parse("n", java.util.Map.of("netdev", "n0", "host_mtu", "16000"));
        assertNull(h(0, 0, 0, 0, 0, 0).problem(16_018, ALL, bigMtu.plainFrameLimit()),
                "host_mtu=16000 offers the guest frames of 16000 bytes and their Ethernet header");
        assertNotNull(h(0, 0, 0, 0, 0, 0).problem(16_019, ALL, bigMtu.plainFrameLimit()));
    }

    @Test
    void checksumOffloadMustBeNegotiatedAndInsideTheFrame() {
        assertNull(h(1, 0, 0, 0, 34, 6).problem(100, CSUM, VirtioNet.MAX_PLAIN_FRAME));
        assertTrue(h(1, 0, 0, 0, 34, 6).problem(100, 0, VirtioNet.MAX_PLAIN_FRAME).contains("VIRTIO_NET_F_CSUM"));
        assertNull(h(1, 0, 0, 0, 96, 2).problem(100, CSUM, VirtioNet.MAX_PLAIN_FRAME), "the field's last byte is the frame's last");
        assertNotNull(h(1, 0, 0, 0, 97, 2).problem(100, CSUM, VirtioNet.MAX_PLAIN_FRAME), "one byte past the end");
        assertNotNull(h(1, 0, 0, 0, 0xffff, 0xffff).problem(100, CSUM, VirtioNet.MAX_PLAIN_FRAME));
    }

    @Test
    void unknownFlagsAreRefused() {
        assertNotNull(h(2, 0, 0, 0, 0, 0).problem(60, ALL, VirtioNet.MAX_PLAIN_FRAME), "DATA_VALID is for received frames");
        assertNotNull(h(0x80, 0, 0, 0, 0, 0).problem(60, ALL, VirtioNet.MAX_PLAIN_FRAME));
    }

    @Test
    void segmentationMustBeNegotiatedSizedAndInsideTheFrame() {
        assertNull(h(1, VirtioNet.GSO_TCPV4, 54, 1448, 34, 16).problem(60000, TSO4, VirtioNet.MAX_PLAIN_FRAME));
        assertNotNull(h(1, VirtioNet.GSO_TCPV4, 54, 1448, 34, 16).problem(60000, CSUM, VirtioNet.MAX_PLAIN_FRAME), "TSO4 not negotiated");
        assertNotNull(h(1, VirtioNet.GSO_TCPV6, 74, 1428, 54, 16).problem(60000, TSO4, VirtioNet.MAX_PLAIN_FRAME), "TSO6 not negotiated");
        assertNotNull(h(1, VirtioNet.GSO_UDP, 42, 1400, 34, 6).problem(60000, ALL, VirtioNet.MAX_PLAIN_FRAME), "UFO is never offered");
        assertNotNull(h(1, VirtioNet.GSO_TCPV4, 54, 0, 34, 16).problem(60000, TSO4, VirtioNet.MAX_PLAIN_FRAME), "gso_size 0");
        assertNotNull(h(1, VirtioNet.GSO_TCPV4, 60001, 1448, 34, 16).problem(60000, TSO4, VirtioNet.MAX_PLAIN_FRAME), "hdr_len past the end");
        assertNotNull(h(1, VirtioNet.GSO_TCPV4, 54, 1448, 34, 16).problem(VirtioNet.MAX_GSO_FRAME + 1, TSO4, VirtioNet.MAX_PLAIN_FRAME));
        assertNotNull(h(1, 7, 54, 1448, 34, 16).problem(60000, ALL, VirtioNet.MAX_PLAIN_FRAME), "an unknown gso_type");
    }

    @Test
    void ecnNeedsItsFeatureAndASegmentation() {
        assertNull(h(1, VirtioNet.GSO_TCPV4 | VirtioNet.GSO_ECN, 54, 1448, 34, 16).problem(60000, ALL, VirtioNet.MAX_PLAIN_FRAME));
        assertNotNull(h(1, VirtioNet.GSO_TCPV4 | VirtioNet.GSO_ECN, 54, 1448, 34, 16).problem(60000, TSO4, VirtioNet.MAX_PLAIN_FRAME));
        assertNotNull(h(0, VirtioNet.GSO_ECN, 0, 0, 0, 0).problem(60, ALL, VirtioNet.MAX_PLAIN_FRAME));
    }

    @Test
    void parseReadsLittleEndianFields() {
        byte[] b = {1, 1, 54, 0, (byte) 0xa8, 5, 34, 0, 16, 0, 0, 0};
        TxHeader h = TxHeader.parse(b);
        assertTrue(h.flags() == 1 && h.gsoType() == 1 && h.hdrLen() == 54 && h.gsoSize() == 1448
                && h.csumStart() == 34 && h.csumOffset() == 16, h.toString());
    }
}
