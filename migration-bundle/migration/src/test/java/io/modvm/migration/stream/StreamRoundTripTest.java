package io.modvm.migration.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.migration.MigrationException;
import io.modvm.api.migration.RamBlock;
import io.modvm.api.state.StateRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The stream format on its own: RAM and records written, read back into other memory, and hostile bytes refused. */
class StreamRoundTripTest {
    private static final int PAGES = 64;

    private static HeapBlock block(long seed) {
        ByteBuffer b = ByteBuffer.allocateDirect(PAGES * StreamFormat.PAGE_SIZE);
        Random r = new Random(seed);
        for (int p = 0; p < PAGES; p += 3) {
            byte[] page = new byte[StreamFormat.PAGE_SIZE];
            r.nextBytes(page);
            b.put(p * StreamFormat.PAGE_SIZE, page);
        }
        return new HeapBlock("pc.ram", b);
    }

    private static byte[] bytes(RamBlock b) {
        byte[] out = new byte[(int) b.size()];
        b.read(0, out, 0, out.length);
        return out;
    }

    private static final StateRecord DESCRIPTION = StateRecord.builder("machine-description", 1).put("vcpus", 1)
            .build();
    private static final StateRecord STATE = StateRecord.builder("machine", 1).put("x", 42).build();

    private static byte[] stream(HeapBlock src, long[] secondPass) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamWriter w = new StreamWriter(out);
        w.header(DESCRIPTION);
        w.pages(0, src, null, n -> { });
        w.passEnd(1);
        if (secondPass != null) {
            w.pages(0, src, secondPass, n -> { });
            w.passEnd(2);
        }
        w.state(STATE);
        w.end();
        return out.toByteArray();
    }

    @Test
    void ramAndStateComeBackAndZeroPagesTravelAsMarkers() throws Exception {
        HeapBlock src = block(1);
        byte[] s = stream(src, null);
        assertTrue(s.length < PAGES / 2 * StreamFormat.PAGE_SIZE, "zero pages were sent as data: " + s.length);
        HeapBlock dst = block(2);
        StreamReader r = new StreamReader(new ByteArrayInputStream(s));
        assertEquals(DESCRIPTION, r.header());
        StreamReader.Loaded loaded = r.load(List.of(dst));
        assertEquals(STATE, loaded.state());
        assertArrayEquals(bytes(src), bytes(dst));
        assertEquals(PAGES, loaded.pages() + loaded.zeroPages());
    }

    @Test
    void aSecondPassSendsOnlyTheDirtyPages() throws Exception {
        HeapBlock src = block(1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamWriter w = new StreamWriter(out);
        w.header(DESCRIPTION);
        w.pages(0, src, null, n -> { });
        long[] dirty = new long[1];
        dirty[0] = 1L << 5 | 1L << 6 | 1L << 40;
        src.write(5 * StreamFormat.PAGE_SIZE, new byte[] {7}, 0, 1);
        long sent = w.pages(0, src, dirty, n -> { });
        assertEquals(3, sent);
        w.state(STATE);
        w.end();
        HeapBlock dst = block(3);
        StreamReader r = new StreamReader(new ByteArrayInputStream(out.toByteArray()));
        r.header();
        r.load(List.of(dst));
        assertArrayEquals(bytes(src), bytes(dst));
    }

    @Test
    void aStreamWithoutTheMagicIsRefused() {
        StreamReader r = new StreamReader(new ByteArrayInputStream("hello world, not a stream".getBytes()));
        MigrationException e = assertThrows(MigrationException.class, r::header);
        assertTrue(e.getMessage().contains("not a modvm migration stream"), e.getMessage());
    }

    @Test
    void aNewerVersionIsRefusedNamingIt() throws Exception {
        byte[] s = stream(block(1), null);
        s[11] = 9;
        MigrationException e = assertThrows(MigrationException.class,
                () -> new StreamReader(new ByteArrayInputStream(s)).header());
        assertTrue(e.getMessage().contains("version 9"), e.getMessage());
    }

    @Test
    void everyTruncationIsRefusedAndNeverReadsPastTheBlock() throws Exception {
        byte[] s = stream(block(1), null);
        for (int cut = 0; cut < s.length; cut += 97) {
            byte[] part = Arrays.copyOf(s, cut);
            StreamReader r = new StreamReader(new ByteArrayInputStream(part));
            assertThrows(MigrationException.class, () -> {
                r.header();
                r.load(List.of(block(2)));
            }, "cut at " + cut);
        }
    }

    @Test
    void randomCorruptionIsRefusedOrLoadsWithinTheBlock() throws Exception {
        byte[] s = stream(block(1), null);
        Random rnd = new Random(7);
        for (int i = 0; i < 2000; i++) {
            byte[] bad = s.clone();
            for (int k = 0; k < 4; k++) {
                bad[rnd.nextInt(bad.length)] = (byte) rnd.nextInt(256);
            }
            StreamReader r = new StreamReader(new ByteArrayInputStream(bad));
            try {
                r.header();
                r.load(List.of(block(2)));
            } catch (MigrationException expected) {
                assertTrue(expected.getMessage().startsWith("migration stream") || expected.getMessage()
                        .startsWith("not a modvm"), expected.getMessage());
            }
        }
    }

    @Test
    void pagesBeyondTheBlockAreRefused() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamWriter w = new StreamWriter(out);
        w.header(DESCRIPTION);
        w.flush();
        java.io.DataOutputStream d = new java.io.DataOutputStream(out);
        d.writeByte('Z');
        d.writeShort(0);
        d.writeLong(PAGES - 1);
        d.writeInt(2);
        StreamReader r = new StreamReader(new ByteArrayInputStream(out.toByteArray()));
        r.header();
        MigrationException e = assertThrows(MigrationException.class, () -> r.load(List.of(block(2))));
        assertTrue(e.getMessage().contains("2 pages at page 63"), e.getMessage());
    }
}
