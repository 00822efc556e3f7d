package io.modvm.migration.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.migration.MigrationChannel;
import io.modvm.api.migration.MigrationException;
import io.modvm.api.migration.RamBlock;
import io.modvm.api.state.StateRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-over frame ('F'): a memfd instead of pages, written, read and refused when it does not fit. */
class HandOverFrameTest {
    private static final long SIZE = 16 * StreamFormat.PAGE_SIZE;

    /** A block whose memfd is a number, and which remembers the descriptor it adopted. */
    private static final class FdBlock implements RamBlock {
        private final int fd;
        private final long size;
        final List<Integer> adopted = new ArrayList<>();

        FdBlock(int fd, long size) {
            this.fd = fd;
            this.size = size;
        }

        @Override
        public String name() {
            return "pc.ram";
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public void read(long offset, byte[] destination, int at, int length) {
            throw new AssertionError("a hand-over reads no page");
        }

        @Override
        public void write(long offset, byte[] source, int at, int length) {
            throw new AssertionError("a hand-over writes no page");
        }

        @Override
        public boolean isZero(long offset, int length) {
            throw new AssertionError("a hand-over reads no page");
        }

        @Override
        public void zero(long offset, long length) {
            throw new AssertionError("a hand-over writes no page");
        }

        @Override
        public int fd() {
            return fd;
        }

        @Override
        public void adopt(int other) {
            adopted.add(other);
        }
    }

    /** A channel that keeps what is written and which descriptors rode on it. */
    private static final class Recording implements MigrationChannel {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<Integer> fds = new ArrayList<>();

        @Override
        public OutputStream output() {
            return bytes;
        }

        @Override
        public InputStream input() {
            return null;
        }

        @Override
        public String describe() {
            return "recording";
        }

        @Override
        public boolean passesDescriptors() {
            return true;
        }

        @Override
        public void writeWithDescriptors(byte[] data, int[] passed) {
            bytes.write(data, 0, data.length);
            for (int fd : passed) {
                fds.add(fd);
            }
        }

        @Override
        public void close() {
        }
    }

    private static byte[] stream(FdBlock source, Recording ch) throws Exception {
        StreamWriter w = new StreamWriter(ch.output());
        w.header(StateRecord.builder("machine-description", 1).build(), true);
        w.handOver(0, source, ch);
        w.passEnd(Integer.MAX_VALUE);
        w.state(StateRecord.builder("machine", 1).build());
        w.end();
        return ch.bytes.toByteArray();
    }

    @Test
    void theMemfdTravelsInsteadOfThePages() throws Exception {
        Recording ch = new Recording();
        byte[] s = stream(new FdBlock(42, SIZE), ch);
        assertEquals(List.of(42), ch.fds);
        assertTrue(s.length < 200, "pages were written: " + s.length + " bytes");
        FdBlock destination = new FdBlock(7, SIZE);
        StreamReader r = new StreamReader(new ByteArrayInputStream(s));
        r.header();
        StreamReader.Loaded loaded = r.load(List.of(destination), count -> {
            assertEquals(1, count);
            return new int[] {99};
        });
        assertEquals(List.of(99), destination.adopted);
        assertEquals(1, loaded.handedOver());
        assertEquals(0, loaded.pages());
    }

    @Test
    void aStreamWithAHandOverIsVersion2() throws Exception {
        byte[] s = stream(new FdBlock(42, SIZE), new Recording());
        assertArrayEquals(new byte[] {0, 0, 0, 2}, java.util.Arrays.copyOfRange(s, 8, 12));
    }

    @Test
    void memoryOfAnotherSizeIsRefused() throws Exception {
        byte[] s = stream(new FdBlock(42, SIZE), new Recording());
        StreamReader r = new StreamReader(new ByteArrayInputStream(s));
        r.header();
        FdBlock destination = new FdBlock(7, SIZE * 2);
        MigrationException e = assertThrows(MigrationException.class,
                () -> r.load(List.of(destination), count -> new int[] {99}));
        assertTrue(e.getMessage().contains("handed over"), e.getMessage());
        assertTrue(destination.adopted.isEmpty());
    }

    @Test
    void aCarrierWithoutDescriptorsIsNamed() throws Exception {
        byte[] s = stream(new FdBlock(42, SIZE), new Recording());
        StreamReader r = new StreamReader(new ByteArrayInputStream(s));
        r.header();
        MigrationException e = assertThrows(MigrationException.class, () -> r.load(List.of(new FdBlock(7, SIZE))));
        assertTrue(e.getMessage().contains("descriptors"), e.getMessage());
    }

    @Test
    void aBlockWithoutMemfdCannotBeHandedOver() {
        Recording ch = new Recording();
        assertThrows(IOException.class, () -> new StreamWriter(ch.output()).handOver(0, new FdBlock(-1, SIZE), ch));
    }
}
