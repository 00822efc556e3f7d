package io.modvm.net.vhost.rings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The dirty log's bits, as the kernel and a vhost-user back-end set them, read back as modvm's bitmaps. */
class LogBitmapTest {
    @Test
    void sizeIsOneBitPerPageInWholeWords() {
        assertEquals(8, LogBitmap.bytesFor(0));
        assertEquals(8, LogBitmap.bytesFor(64 * 4096));
        assertEquals(16, LogBitmap.bytesFor(64 * 4096 + 1));
        assertEquals(131072, LogBitmap.bytesFor(4L << 30), "4 GiB: a million pages, 128 KiB of bits");
    }

    /** Linux's log_write: bit (page % 8) of byte (page / 8); that is bit page % 64 of a little-endian word. */
    @Test
    void aByteWiseBitOfTheKernelIsTheWordBitOfTheBitmap() {
        ByteBuffer shared = ByteBuffer.allocateDirect(16);
        LogBitmap log = new LogBitmap(shared);
        int page = 64 + 13;
        shared.put(page / 8, (byte) (1 << (page % 8)));
        long[] bits = log.fetchAndClear();
        assertArrayEquals(new long[] {0, 1L << 13}, bits);
        assertEquals(0, shared.get(page / 8), "a fetch clears what it returned");
    }

    @Test
    void markCoversEveryPageARangeTouchesAndFetchClears() {
        LogBitmap log = new LogBitmap(ByteBuffer.allocateDirect(16));
        log.mark(4095, 2);
        log.mark(63 * 4096 + 100, 4096);
        log.mark(10 * 4096, 0);
        assertArrayEquals(new long[] {0b11 | 1L << 63, 1}, log.fetchAndClear());
        assertArrayEquals(new long[] {0, 0}, log.fetchAndClear());
    }

    @Test
    void aMarkBeyondTheLogIsDroppedNotThrown() {
        LogBitmap log = new LogBitmap(ByteBuffer.allocateDirect(8));
        log.mark(64 * 4096, 1);
        assertArrayEquals(new long[] {0}, log.fetchAndClear());
    }

    /** A second mapping of the memfd (what a back-end maps) writes bits the log's fetch sees. */
    @Test
    void theMemfdIsSharedWithWhoeverMapsIt() throws IOException {
        try (VhostLog log = VhostLog.create("test", 256L << 20)) {
            assertEquals(8192, log.size());
            Pointer peer = Libc.mmap(null, log.size(), Libc.PROT_READ_WRITE, Libc.MAP_SHARED, log.fd(), 0);
            try {
                LogBitmap backEnd = new LogBitmap(peer.getByteBuffer(0, log.size()).order(ByteOrder.LITTLE_ENDIAN));
                backEnd.mark(0x0FFF_F000L, 4096);
                long[] bits = log.fetch();
                assertEquals(1024, bits.length);
                assertEquals(1L << 63, bits[1023]);
                assertEquals(1, java.util.Arrays.stream(bits).filter(w -> w != 0).count());
            } finally {
                Libc.munmap(peer, log.size());
            }
        }
    }
}
