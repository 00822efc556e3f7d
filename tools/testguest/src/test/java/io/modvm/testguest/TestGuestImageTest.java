package io.modvm.testguest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A test guest placed in RAM as an accelerator's own tests place it: segments and PVH entry, nothing else. */
class TestGuestImageTest {
    @TempDir
    Path work;

    @Test
    void theSegmentsLandAtTheirAddressesAndTheEntryIsThePvhNotes() throws IOException {
        assumeTrue(TestGuestBuilder.gccAvailable(), "gcc for x86_64 not available: test guests cannot be built");
        Path built = TestGuestBuilder.build(work, "guests/hello.c");
        ElfImage elf = new ElfImage(built);
        TestGuestImage image = TestGuestImage.read(built);
        assertEquals(TestGuestBuilder.IMAGE_ADDRESS, image.entry());

        ByteBuffer ram = ByteBuffer.allocate(16 << 20);
        ram.put((int) TestGuestBuilder.IMAGE_ADDRESS + 0x10_0000, (byte) 0x55); // somewhere no segment reaches
        image.loadInto(ram);
        for (ElfImage.Segment s : elf.segments(ElfImage.PT_LOAD)) {
            byte[] placed = new byte[(int) s.filesz()];
            ram.get((int) s.paddr(), placed);
            assertArrayEquals(elf.read(s.vaddr(), (int) s.filesz()), placed, "segment at 0x" + Long.toHexString(
                    s.paddr()));
        }
    }

    @Test
    void aFileWithoutAPvhNoteIsRefused() throws IOException {
        Path notElf = Files.write(work.resolve("x"), new byte[64]);
        assertEquals(notElf + " is not a little-endian ELF64 file",
                assertThrows(IOException.class, () -> TestGuestImage.read(notElf)).getMessage());
    }
}
