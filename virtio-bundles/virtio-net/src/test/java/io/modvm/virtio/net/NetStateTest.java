package io.modvm.virtio.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.virtio.testing.HandOver;
import java.util.List;
import org.junit.jupiter.api.Test;

/** virtio-net's own state: what the driver set, the link, and the receive buffers held, through the codec. */
class NetStateTest {
    private static final byte[] MAC = {0x52, 0x54, 0, 0x12, 0x34, 0x56};

    @Test
    void everythingTheDriverSetSurvivesTheCodec() throws Exception {
        NetFilter f = NetFilter.initial(MAC, true).withMode(VirtioNet.CTRL_RX_PROMISC, false)
                .withMode(VirtioNet.CTRL_RX_ALLMULTI, true)
                .withTables(List.of(new byte[] {0x52, 0x54, 0, 1, 2, 3}), false, List.of(), true)
                .withVlan(7, true).withMac(new byte[] {0x52, 0x54, 0, 9, 9, 9});
        NetState s = new NetState(f, 0x82, 2, false, true, List.of(new int[] {5, 6, 255}, new int[0]));
        StateRecord r = HandOver.throughCodec(s.toRecord());
        NetState back = NetState.from(r, 2, 256);
        assertEquals(f.describe(), back.filter().describe());
        assertEquals(0x82, back.guestOffloads());
        assertEquals(2, back.pairs());
        assertEquals(false, back.linkUp());
        assertEquals(true, back.announce());
        assertArrayEquals(new int[] {5, 6, 255}, back.heldBuffers().get(0));
        assertEquals(0, back.heldBuffers().get(1).length);
    }

    @Test
    void aStateForAnotherShapeOfDeviceIsRefused() throws Exception {
        NetState s = new NetState(NetFilter.initial(MAC, false), 0, 1, true, false, List.of(new int[] {1}));
        StateException e = assertThrows(StateException.class, () -> NetState.from(s.toRecord(), 2, 256));
        assertTrue(e.getMessage().contains("this device has 2"), e.getMessage());
        NetState many = new NetState(NetFilter.initial(MAC, false), 0, 1, true, false, List.of(new int[300]));
        assertThrows(StateException.class, () -> NetState.from(many.toRecord(), 1, 256));
    }
}
