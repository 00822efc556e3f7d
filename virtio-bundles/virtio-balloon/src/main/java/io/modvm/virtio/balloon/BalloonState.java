package io.modvm.virtio.balloon;

import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

/**
 * What a balloon device carries across a snapshot or a bundle update, beyond the queues the transport saves: the
 * configuration space, the latest statistics, and the statistics buffer the device holds (the driver's answer to
 * the last request, kept to be returned as the next request). The queue counts that buffer as in flight, and the
 * restored device takes it back by its head, so statistics go on after a hand-over.
 *
 * @param numPages the host's target, in 4 KiB pages
 * @param actual the pages the driver said it holds
 * @param poisonVal the driver's page poison value
 * @param lastStats the latest statistics report
 * @param statsHead the head of the statistics buffer the device holds, or -1
 */
public record BalloonState(int numPages, int actual, int poisonVal, GuestStats lastStats, int statsHead) {
    /** Format version of the {@value #TYPE} record. */
    public static final int VERSION = 1;
    static final String TYPE = "virtio-balloon";

    StateRecord toRecord() {
        ByteBuffer stats = ByteBuffer.allocate(GuestStats.ENTRY_BYTES * lastStats.values().size())
                .order(ByteOrder.LITTLE_ENDIAN);
        for (Map.Entry<StatTag, Long> e : lastStats.values().entrySet()) {
            stats.putShort((short) e.getKey().tag()).putLong(e.getValue());
        }
        return StateRecord.builder(TYPE, VERSION).put("numPages", Integer.toUnsignedLong(numPages))
                .put("actual", Integer.toUnsignedLong(actual)).put("poisonVal", Integer.toUnsignedLong(poisonVal))
                .put("statsSequence", lastStats.sequence()).put("stats", stats.array()).put("statsHead", statsHead)
                .build();
    }

    static BalloonState from(StateRecord r) throws StateException {
        r.require(TYPE, 1, VERSION);
        byte[] stats = r.getBytes("stats");
        long sequence = r.getLong("statsSequence");
        int head = r.getInt("statsHead");
        if (sequence < 0 || head < -1 || head > 0xFFFF) {
            throw new StateException(TYPE + ": statistics report " + sequence + ", buffer head " + head);
        }
        return new BalloonState(u32(r, "numPages"), u32(r, "actual"), u32(r, "poisonVal"),
                GuestStats.parse(sequence, stats, stats.length), head);
    }

    private static int u32(StateRecord r, String name) throws StateException {
        long v = r.getLong(name);
        if (v < 0 || v > 0xFFFF_FFFFL) {
            throw new StateException(TYPE + "." + name + " = " + v + " is not a 32-bit register value");
        }
        return (int) v;
    }
}
