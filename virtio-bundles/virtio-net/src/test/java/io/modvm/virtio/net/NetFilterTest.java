package io.modvm.virtio.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The receive filter as the driver sets it through the control queue. */
class NetFilterTest {
    private static final byte[] OWN = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
    private static final byte[] OTHER = {0x52, 0x54, 0, 0x12, 0x34, 0x57};
    private static final byte[] MULTI = {0x01, 0, 0x5e, 0, 0, 1};
    private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};

    private static byte[] frame(byte[] dst) {
        byte[] head = new byte[16];
        System.arraycopy(dst, 0, head, 0, 6);
        head[12] = 0x08;
        return head;
    }

    private static byte[] tagged(byte[] dst, int vid) {
        byte[] head = frame(dst);
        head[12] = (byte) 0x81;
        head[13] = 0;
        head[14] = (byte) (vid >> 8);
        head[15] = (byte) vid;
        return head;
    }

    private static NetFilter normal() {
        return NetFilter.initial(OWN, false).withMode(VirtioNet.CTRL_RX_PROMISC, false);
    }

    @Test
    void afterAResetEverythingPasses() {
        NetFilter f = NetFilter.initial(OWN, false);
        assertTrue(f.accepts(frame(OTHER)));
        assertTrue(f.accepts(frame(MULTI)));
    }

    @Test
    void withoutPromiscuityOnlyOwnBroadcastAndListedAddressesPass() {
        NetFilter f = normal();
        assertTrue(f.accepts(frame(OWN)));
        assertTrue(f.accepts(frame(BROADCAST)));
        assertFalse(f.accepts(frame(OTHER)));
        assertFalse(f.accepts(frame(MULTI)));
        f = f.withTables(List.of(OTHER), false, List.of(MULTI), false);
        assertTrue(f.accepts(frame(OTHER)));
        assertTrue(f.accepts(frame(MULTI)));
        assertFalse(f.withMode(VirtioNet.CTRL_RX_NOBCAST, true).accepts(frame(BROADCAST)));
        assertFalse(f.withMode(VirtioNet.CTRL_RX_NOMULTI, true).accepts(frame(MULTI)));
        assertFalse(f.withMode(VirtioNet.CTRL_RX_NOUNI, true).accepts(frame(OWN)));
    }

    @Test
    void overflowingATableLetsItsWholeKindPass() {
        NetFilter f = normal().withTables(List.of(), true, List.of(), false);
        assertTrue(f.accepts(frame(OTHER)));
        assertFalse(f.accepts(frame(MULTI)));
        assertTrue(normal().withMode(VirtioNet.CTRL_RX_ALLMULTI, true).accepts(frame(MULTI)));
    }

    @Test
    void vlanFilteringLetsOnlyAddedIdsThrough() {
        NetFilter f = NetFilter.initial(OWN, true).withMode(VirtioNet.CTRL_RX_PROMISC, false);
        assertFalse(f.accepts(tagged(OWN, 100)));
        f = f.withVlan(100, true);
        assertTrue(f.accepts(tagged(OWN, 100)));
        assertFalse(f.accepts(tagged(OWN, 101)));
        assertFalse(f.withVlan(100, false).accepts(tagged(OWN, 100)));
    }

    @Test
    void theMacTheDriverSetsIsTheOneThatPasses() {
        NetFilter f = normal().withMac(OTHER);
        assertTrue(f.accepts(frame(OTHER)));
        assertFalse(f.accepts(frame(OWN)));
    }

    @Test
    void describeIsQemusRxFilterInfo() {
        Map<String, Object> d = normal().withTables(List.of(OTHER), false, List.of(MULTI), true).describe();
        assertEquals(false, d.get("promiscuous"));
        assertEquals("normal", d.get("unicast"));
        assertEquals("all", d.get("vlan"));
        assertEquals("52:54:00:12:34:56", d.get("main-mac"));
        assertEquals(List.of("52:54:00:12:34:57"), d.get("unicast-table"));
        assertEquals(true, d.get("multicast-overflow"));
    }
}
