package io.modvm.block.image;

import static io.modvm.block.image.GuestBuffers.PAGE;
import static io.modvm.block.image.GuestBuffers.nativeBuffer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.sun.nio.file.ExtendedOpenOption;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host files' runs of buffers at the end of the file, which an image's size check never lets a request reach
 * unless the file shrank under it: both kinds read what is there and zeroes after it, as a single read does. (Whole
 * runs through every cache mode and format are in {@link CacheModeTest}.)
 */
class BufferRunsTest {
    @TempDir
    Path dir;

    /** The buffers, full of something other than zero, so that the zeroes must come from the read. */
    private static ByteBuffer[] scribbled(ByteBuffer... run) {
        for (ByteBuffer b : run) {
            while (b.hasRemaining()) {
                b.put((byte) 0x7f);
            }
            b.clear();
        }
        return run;
    }

    @Test
    void runsPastTheEndOfTheFileReadZeroes() throws Exception {
        Path file = dir.resolve("short");
        byte[] data = new byte[5000];
        new Random(5).nextBytes(data);
        Files.write(file, data);
        byte[] expected = Arrays.copyOf(data, 3 * PAGE);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer[] run = scribbled(nativeBuffer(PAGE, 0), ByteBuffer.allocate(PAGE), nativeBuffer(PAGE, 0));
            new BufferedHostFile(file, channel).read(run, 0);
            assertArrayEquals(expected, GuestBuffers.contents(run));
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, ExtendedOpenOption.DIRECT)) {
            // Page-aligned native pages: O_DIRECT reads straight into them and meets the end of the file mid-page.
            ByteBuffer[] run = scribbled(nativeBuffer(PAGE, 0), nativeBuffer(PAGE, 0), nativeBuffer(PAGE, 0));
            new DirectHostFile(file, channel, PAGE).read(run, 0);
            assertArrayEquals(expected, GuestBuffers.contents(run));
        }
    }
}
