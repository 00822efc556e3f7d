package io.modvm.migration.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.migration.MigrationException;
import io.modvm.api.state.StateRecord;
import io.modvm.block.DiskImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Block migration's frames on their own: the disk list, data and zero runs, and bounds checked on read. */
class DiskFramesTest {
    private static final int SIZE = 256 << 10;
    private static final StateRecord DESCRIPTION = StateRecord.builder("machine-description", 1).put("vcpus", 1)
            .build();
    private static final StateRecord STATE = StateRecord.builder("machine", 1).put("x", 42).build();

    /** A disk in a heap array. */
    private static final class HeapDisk implements DiskImage {
        final byte[] bytes;
        int flushes;

        HeapDisk(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public String format() {
            return "raw";
        }

        @Override
        public Path path() {
            return Path.of("heap.img");
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public boolean readOnly() {
            return false;
        }

        @Override
        public void read(ByteBuffer destination, long offset) {
            destination.put(bytes, (int) offset, destination.remaining());
        }

        @Override
        public void write(ByteBuffer source, long offset) {
            source.get(bytes, (int) offset, source.remaining());
        }

        @Override
        public void read(ByteBuffer[] destinations, long offset) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void write(ByteBuffer[] sources, long offset) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void writeZeroes(long offset, long length, boolean unmap) {
            Arrays.fill(bytes, (int) offset, (int) (offset + length), (byte) 0);
        }

        @Override
        public void discard(long offset, long length) {
        }

        @Override
        public void flush() {
            flushes++;
        }

        @Override
        public long discardGranularity() {
            return 512;
        }

        @Override
        public long actualSize() {
            return bytes.length;
        }

        @Override
        public DiskImage backing() {
            return null;
        }

        @Override
        public void close() {
        }
    }

    private static byte[] stream(List<StreamDisk> disks, long offset, byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamWriter w = new StreamWriter(out);
        w.header(DESCRIPTION, false, disks);
        w.disk(0, offset, data, data.length, n -> { });
        w.disk(0, 0, new byte[4096], 4096, n -> { });
        w.state(STATE);
        w.end();
        return out.toByteArray();
    }

    @Test
    void theDiskListAndTheBlocksArriveAndZeroesTravelAsMarkers() throws Exception {
        byte[] data = new byte[64 << 10];
        Arrays.fill(data, (byte) 0x5a);
        byte[] s = stream(List.of(new StreamDisk("d0", SIZE)), 8192, data);
        assertArrayEquals(new byte[] {0, 0, 0, 3}, Arrays.copyOfRange(s, 8, 12));
        assertTrue(s.length < data.length + 4096, "the zero run went as data: " + s.length);
        byte[] target = new byte[SIZE];
        Arrays.fill(target, (byte) 1);
        HeapDisk disk = new HeapDisk(target);
        StreamReader r = new StreamReader(new ByteArrayInputStream(s));
        assertEquals(DESCRIPTION, r.header());
        assertEquals(List.of(new StreamDisk("d0", SIZE)), r.disks());
        assertEquals(STATE, r.load(List.of(), n -> null, List.of(disk)).state());
        byte[] expected = new byte[SIZE];
        Arrays.fill(expected, (byte) 1);
        Arrays.fill(expected, 0, 4096, (byte) 0);
        Arrays.fill(expected, 8192, 8192 + data.length, (byte) 0x5a);
        assertArrayEquals(expected, target);
    }

    @Test
    void aStreamWithoutDisksStaysVersion1AndListsNone() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new StreamWriter(out).header(DESCRIPTION, false, List.of());
        byte[] s = out.toByteArray();
        assertArrayEquals(new byte[] {0, 0, 0, 1}, Arrays.copyOfRange(s, 8, 12));
        StreamReader r = new StreamReader(new ByteArrayInputStream(s));
        r.header();
        assertEquals(List.of(), r.disks());
    }

    @Test
    void aBlockPastTheEndOfTheDiskIsRefusedBeforeItIsWritten() throws Exception {
        byte[] s = stream(List.of(new StreamDisk("d0", SIZE)), SIZE - 4096, new byte[8192 + 1]);
        HeapDisk disk = new HeapDisk(new byte[SIZE]);
        StreamReader r = new StreamReader(new ByteArrayInputStream(s));
        r.header();
        MigrationException e = assertThrows(MigrationException.class,
                () -> r.load(List.of(), n -> null, List.of(disk)));
        assertTrue(e.getMessage().contains("8193 bytes at offset " + (SIZE - 4096) + " of disk 0 (" + SIZE
                + " bytes)"), e.getMessage());
    }

    @Test
    void aBlockForADiskTheListDidNotNameIsRefused() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamWriter w = new StreamWriter(out);
        w.header(DESCRIPTION, false, List.of(new StreamDisk("d0", SIZE)));
        w.disk(1, 0, new byte[] {1}, 1, n -> { });
        w.end();
        StreamReader r = new StreamReader(new ByteArrayInputStream(out.toByteArray()));
        r.header();
        MigrationException e = assertThrows(MigrationException.class,
                () -> r.load(List.of(), n -> null, List.of(new HeapDisk(new byte[SIZE]))));
        assertTrue(e.getMessage().contains("disk 1 (the stream carries 1)"), e.getMessage());
    }
}
