package io.modvm.api.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StateCodecTest {
    private static StateRecord sample() {
        StateRecord queue = StateRecord.builder("virtqueue", 1).put("size", 256).put("nextAvail", 65535L)
                .put("desc", 0xFFFF_FFFF_F000L).build();
        return StateRecord.builder("virtio-blk", 2).put("features", 1L << 32 | 1L << 29).put("readOnly", true)
                .put("serial", "disk-é1").put("config", new byte[] {1, 2, 3, (byte) 0xFF})
                .put("transport", StateRecord.builder("virtio-pci", 1).put("status", 15).build())
                .put("queues", List.of(queue, queue)).build();
    }

    @Test
    void roundTripKeepsEveryFieldTypeAndOrder() throws StateException {
        StateRecord r = sample();
        StateRecord back = StateCodec.decode(StateCodec.encode(r));
        assertEquals(r, back);
        assertEquals(List.of("features", "readOnly", "serial", "config", "transport", "queues"),
                List.copyOf(back.names()));
        assertEquals("disk-é1", back.getString("serial"));
        assertArrayEquals(new byte[] {1, 2, 3, (byte) 0xFF}, back.getBytes("config"));
        assertEquals(65535, back.getRecords("queues").get(1).getInt("nextAvail"));
        assertEquals(15, back.getRecord("transport").getInt("status"));
    }

    @Test
    void readersGetOneLineAnswersForWhatIsMissingOrWrong() throws StateException {
        StateRecord r = sample();
        assertEquals("virtio-blk v2 has no field 'cache'",
                assertThrows(StateException.class, () -> r.getString("cache")).getMessage());
        assertEquals("virtio-blk.serial is String, not Long",
                assertThrows(StateException.class, () -> r.getLong("serial")).getMessage());
        assertTrue(assertThrows(StateException.class, () -> r.getInt("features")).getMessage()
                .contains("does not fit in 32 bits"));
        r.require("virtio-blk", 1, 2);
        assertEquals("virtio-blk state version 2 is not readable here (versions 1 to 1)",
                assertThrows(StateException.class, () -> r.require("virtio-blk", 1, 1)).getMessage());
        assertTrue(assertThrows(StateException.class, () -> r.require("virtio-net", 1, 9)).getMessage()
                .contains("given where virtio-net is needed"));
    }

    @Test
    void malformedStreamsAreRefusedWithAReason() {
        byte[] good = StateCodec.encode(sample());
        assertTrue(assertThrows(StateException.class, () -> StateCodec.decode(new byte[] {'M', 'V'}))
                .getMessage().contains("MVS1"));
        for (int cut = 4; cut < good.length; cut++) {
            byte[] shorter = java.util.Arrays.copyOf(good, cut);
            assertThrows(StateException.class, () -> StateCodec.decode(shorter), "cut at " + cut);
        }
        byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
        assertTrue(assertThrows(StateException.class, () -> StateCodec.decode(longer)).getMessage()
                .contains("after the end"));
    }

    /** Random corruption of a real stream: always a StateException or a record, never anything else. */
    @Test
    void corruptedStreamsNeverEscapeAsOtherExceptions() {
        byte[] good = StateCodec.encode(sample());
        Random random = new Random(Long.getLong("modvm.fuzz.seed", 42));
        int iterations = Integer.getInteger("modvm.fuzz.iterations", 20000);
        for (int i = 0; i < iterations; i++) {
            byte[] bad = good.clone();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                bad[4 + random.nextInt(bad.length - 4)] = (byte) random.nextInt(256);
            }
            try {
                StateCodec.decode(bad);
            } catch (StateException expected) {
                // a reason was given
            }
        }
    }

    @Test
    void nestingIsBounded() {
        StateRecord r = StateRecord.builder("leaf", 0).build();
        for (int i = 0; i < 40; i++) {
            r = StateRecord.builder("n" + i, 0).put("inner", r).build();
        }
        byte[] deep = StateCodec.encode(r);
        assertTrue(assertThrows(StateException.class, () -> StateCodec.decode(deep)).getMessage()
                .contains("nested deeper"));
    }
}
