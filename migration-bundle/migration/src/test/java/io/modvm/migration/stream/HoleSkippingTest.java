package io.modvm.migration.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.state.StateRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pages a block reports as never written (a memfd's holes) go as zero markers without being looked at: on the source
 * host, reading them would make the kernel allocate them. The pages between the holes go as before, and the
 * destination gets the same RAM.
 */
class HoleSkippingTest {
    private static final int PAGE = StreamFormat.PAGE_SIZE;
    private static final int PAGES = 1024;

    /** RAM with data only in {@code [dataStart, dataEnd)} pages; records every byte range it was asked to look at. */
    private static final class HoleyBlock extends HeapBlock {
        final long dataStart;
        final long dataEnd;
        final List<long[]> looked = new ArrayList<>();

        HoleyBlock(long dataStartPage, long dataEndPage) {
            super("pc.ram", ByteBuffer.allocate(PAGES * PAGE));
            this.dataStart = dataStartPage * PAGE;
            this.dataEnd = dataEndPage * PAGE;
            for (long p = dataStartPage; p < dataEndPage; p += 2) {
                bytes.put((int) (p * PAGE), (byte) (p + 1));
            }
        }

        @Override
        public void read(long offset, byte[] destination, int at, int length) {
            looked.add(new long[] {offset, offset + length});
            super.read(offset, destination, at, length);
        }

        @Override
        public boolean isZero(long offset, int length) {
            looked.add(new long[] {offset, offset + length});
            return super.isZero(offset, length);
        }

        @Override
        public long dataFrom(long offset) {
            return offset < dataStart ? dataStart : offset < dataEnd ? offset : size();
        }

        @Override
        public long dataUntil(long offset) {
            return offset < dataEnd ? dataEnd : size();
        }
    }

    @Test
    void neverWrittenPagesAreMarkersWithoutALook() throws Exception {
        HoleyBlock src = new HoleyBlock(300, 340);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamWriter w = new StreamWriter(out);
        w.header(StateRecord.builder("machine-description", 1).build());
        assertEquals(PAGES, w.pages(0, src, null, n -> { }));
        w.passEnd(1);
        w.state(StateRecord.builder("machine", 1).build());
        w.end();
        for (long[] range : src.looked) {
            assertTrue(range[0] >= src.dataStart && range[1] <= src.dataEnd,
                    "looked at [" + range[0] + ", " + range[1] + ") outside the data");
        }
        assertEquals(20, w.normalPages(), "the data pages");
        assertEquals(PAGES - 20, w.zeroPages());

        HoleyBlock dst = new HoleyBlock(0, PAGES);
        StreamReader r = new StreamReader(new ByteArrayInputStream(out.toByteArray()));
        r.header();
        r.load(List.of(dst));
        assertArrayEquals(src.bytes.array(), dst.bytes.array());
    }
}
