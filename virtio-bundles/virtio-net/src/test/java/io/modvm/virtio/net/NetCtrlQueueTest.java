package io.modvm.virtio.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.net.MacAddress;
import io.modvm.virtio.device.GuestErrorLog;
import io.modvm.virtio.device.QueueServer;
import io.modvm.virtio.device.ResetLatch;
import io.modvm.virtio.queue.HeapGuestMemory;
import io.modvm.virtio.queue.SplitVirtqueue;
import io.modvm.virtio.queue.TestDriver;
import io.modvm.virtio.queue.TestDriver.Buf;
import io.modvm.virtio.testing.FakeActivation;
import io.modvm.virtio.testing.StrictGuestMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Control queue commands: each answered OK or ERR, and only an OK one changes the device. */
class NetCtrlQueueTest implements NetCtrlQueue.Commands {
    private static final long RAM = 0x10_0000;
    private static final long CMD = RAM + 0x4_0000;
    private static final long ACK = RAM + 0x5_0000;
    private static final byte[] MAC = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
    private static final long ALL = 1L << VirtioNet.F_CTRL_RX | 1L << VirtioNet.F_CTRL_RX_EXTRA
            | 1L << VirtioNet.F_CTRL_VLAN | 1L << VirtioNet.F_CTRL_MAC_ADDR | 1L << VirtioNet.F_MQ
            | 1L << VirtioNet.F_GUEST_ANNOUNCE | 1L << VirtioNet.F_CTRL_GUEST_OFFLOADS
            | 1L << VirtioNet.F_GUEST_CSUM | 1L << VirtioNet.F_GUEST_TSO4;

    private final StrictGuestMemory memory = new StrictGuestMemory(new HeapGuestMemory().add(RAM, 1 << 20));
    private final TestDriver driver = new TestDriver(memory, RAM, 16, true, false, RAM + 0x1_0000);
    private NetFilter filter = NetFilter.initial(MAC, true);
    private int pairs = 1;
    private long offloads = -1;
    private boolean announceAcked;
    private int filterChanges;

    @Override
    public NetFilter filter() {
        return filter;
    }

    @Override
    public void setFilter(NetFilter next) {
        filter = next;
        filterChanges++;
    }

    @Override
    public void announceAcked() {
        announceAcked = true;
    }

    @Override
    public boolean setQueuePairs(int n) {
        pairs = n;
        return true;
    }

    @Override
    public boolean setGuestOffloads(long value) {
        offloads = value;
        return true;
    }

    /** Sends one command with {@code features} negotiated and returns the device's answer byte. */
    private int command(long features, int cls, int cmd, byte[] data) throws Exception {
        byte[] c = new byte[2 + data.length];
        c[0] = (byte) cls;
        c[1] = (byte) cmd;
        System.arraycopy(data, 0, c, 2, data.length);
        memory.write(CMD, c, 0, c.length);
        memory.writeByte(ACK, (byte) 0x77);
        driver.add(List.of(new Buf(CMD, c.length)), List.of(new Buf(ACK, 1)));
        FakeActivation a = new FakeActivation(memory, features, SplitVirtqueue.create(memory, driver.config()));
        GuestErrorLog log = new GuestErrorLog("virtio-net test");
        new QueueServer(a, 0, "controlq", new NetCtrlQueue(memory, features, 4, this, log), new ResetLatch(a), log)
                .serve();
        assertEquals(1, driver.getBuf().orElseThrow().length(), "one byte of answer");
        return memory.readByte(ACK);
    }

    private static byte[] table(byte[]... macs) {
        ByteBuffer b = ByteBuffer.allocate(4 + 6 * macs.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(macs.length);
        for (byte[] m : macs) {
            b.put(m);
        }
        return b.array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void receiveModesNeedTheirFeatures() throws Exception {
        assertEquals(VirtioNet.CTRL_OK, command(ALL, VirtioNet.CTRL_RX, VirtioNet.CTRL_RX_PROMISC, new byte[] {0}));
        assertFalse(filter.promiscuous());
        long basic = 1L << VirtioNet.F_CTRL_RX;
        assertEquals(VirtioNet.CTRL_ERR, command(basic, VirtioNet.CTRL_RX, VirtioNet.CTRL_RX_NOBCAST, new byte[] {1}),
                "NOBCAST needs CTRL_RX_EXTRA");
        assertEquals(VirtioNet.CTRL_ERR, command(0, VirtioNet.CTRL_RX, VirtioNet.CTRL_RX_PROMISC, new byte[] {1}));
        assertEquals(VirtioNet.CTRL_ERR, command(ALL, VirtioNet.CTRL_RX, 9, new byte[] {1}), "unknown mode");
        assertEquals(VirtioNet.CTRL_ERR, command(ALL, VirtioNet.CTRL_RX, 0, new byte[] {1, 1}), "two bytes");
        assertFalse(filter.promiscuous(), "no ERR command changed the filter");
        assertEquals(1, filterChanges);
    }

    @Test
    void theMacTablesAreCheckedAndOverflowPastSixtyFour() throws Exception {
        byte[] uni = {0x52, 0x54, 0, 1, 2, 3};
        byte[] multi = {1, 0, 0x5e, 0, 0, 1};
        assertEquals(VirtioNet.CTRL_OK, command(ALL, VirtioNet.CTRL_MAC, VirtioNet.CTRL_MAC_TABLE_SET,
                concat(table(uni), table(multi))));
        assertEquals(1, filter.unicast().size());
        assertEquals(1, filter.multicast().size());
        byte[][] many = new byte[65][];
        for (int i = 0; i < many.length; i++) {
            many[i] = new byte[] {0x52, 0x54, 0, 0, 0, (byte) i};
        }
        assertEquals(VirtioNet.CTRL_OK, command(ALL, VirtioNet.CTRL_MAC, VirtioNet.CTRL_MAC_TABLE_SET,
                concat(table(many), table())));
        assertTrue(filter.unicastOverflow());
        assertEquals(64, filter.unicast().size());
        byte[] lying = table(uni);
        lying[0] = 5; // says five entries, holds one
        assertEquals(VirtioNet.CTRL_ERR, command(ALL, VirtioNet.CTRL_MAC, VirtioNet.CTRL_MAC_TABLE_SET,
                concat(lying, table())));
        assertEquals(VirtioNet.CTRL_ERR, command(ALL, VirtioNet.CTRL_MAC, VirtioNet.CTRL_MAC_TABLE_SET, table(uni)),
                "the multicast table is missing");
        assertEquals(VirtioNet.CTRL_OK, command(ALL, VirtioNet.CTRL_MAC, VirtioNet.CTRL_MAC_ADDR_SET, uni));
        assertEquals("52:54:00:01:02:03", MacAddress.format(filter.mac()));
        assertEquals(VirtioNet.CTRL_ERR, command(ALL, VirtioNet.CTRL_MAC, VirtioNet.CTRL_MAC_ADDR_SET, new byte[5]));
    }

    @Test
    void vlansQueuePairsAnnounceAndOffloads() throws Exception {
        assertEquals(VirtioNet.CTRL_OK, command(ALL, VirtioNet.CTRL_VLAN, VirtioNet.CTRL_VLAN_ADD, new byte[] {100, 0}));
        assertTrue(filter.vlans().get(100));
        assertEquals(VirtioNet.CTRL_ERR, command(ALL, VirtioNet.CTRL_VLAN, VirtioNet.CTRL_VLAN_ADD,
                new byte[] {0, 0x10}), "vid 4096");
        assertEquals(VirtioNet.CTRL_OK, command(ALL, VirtioNet.CTRL_MQ, VirtioNet.CTRL_MQ_VQ_PAIRS_SET, new byte[] {3, 0}));
        assertEquals(3, pairs);
        assertEquals(VirtioNet.CTRL_ERR, command(ALL, VirtioNet.CTRL_MQ, VirtioNet.CTRL_MQ_VQ_PAIRS_SET,
                new byte[] {5, 0}), "more pairs than the device has");
        assertEquals(VirtioNet.CTRL_ERR, command(ALL, VirtioNet.CTRL_MQ, VirtioNet.CTRL_MQ_VQ_PAIRS_SET,
                new byte[] {0, 0}));
        assertEquals(VirtioNet.CTRL_OK, command(ALL, VirtioNet.CTRL_ANNOUNCE, VirtioNet.CTRL_ANNOUNCE_ACK, new byte[0]));
        assertTrue(announceAcked);
        byte[] csum = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << VirtioNet.F_GUEST_CSUM)
                .array();
        assertEquals(VirtioNet.CTRL_OK, command(ALL, VirtioNet.CTRL_GUEST_OFFLOADS, 0, csum));
        assertEquals(1L << VirtioNet.F_GUEST_CSUM, offloads);
        byte[] tso6 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << VirtioNet.F_GUEST_TSO6)
                .array();
        assertEquals(VirtioNet.CTRL_ERR, command(ALL, VirtioNet.CTRL_GUEST_OFFLOADS, 0, tso6), "not negotiated");
        assertEquals(VirtioNet.CTRL_ERR, command(ALL, 77, 0, new byte[0]), "unknown class");
    }
}
