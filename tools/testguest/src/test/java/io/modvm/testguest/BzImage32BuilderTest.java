package io.modvm.testguest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tiny i386 bzImage: a setup header that offers only the 32-bit entry, and code linked at 1 MiB. */
class BzImage32BuilderTest {
    private static final String GUEST = "#include \"bzimage32.h\"\n"
            + "void main32(const uint8_t *bp) { puts(\"hi\\n\"); debug_exit(1); }\n";

    @TempDir
    Path work;

    @BeforeAll
    static void needGcc() {
        assumeTrue(TestGuestBuilder.gccAvailable(), "gcc for x86_64 not available: test guests cannot be built");
    }

    @Test
    void theHeaderSaysBzImageProtocol215WithoutA64BitEntry() throws IOException {
        Path image = TestGuestBuilder.buildBzImage32(work, "tiny32", GUEST);
        assertTrue(image.getFileName().toString().endsWith(".bzImage"), image.toString());
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(image)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1, b.get(0x1F1), "setup_sects: the setup is the boot sector and one more");
        assertEquals((short) 0xAA55, b.getShort(0x1FE));
        assertEquals(0x53726448, b.getInt(0x202), "HdrS");
        assertEquals(0x020F, b.getShort(0x206));
        assertEquals(1, b.get(0x211) & 1, "LOADED_HIGH: a bzImage");
        assertEquals(0x100000, b.getInt(0x214), "code32_start");
        assertEquals(0, b.getShort(0x236) & 1, "no XLF_KERNEL_64: only the 32-bit entry");
        assertEquals(0x100000L, b.getLong(0x258), "pref_address");
        int kernel = b.limit() - 0x400;
        assertTrue(kernel > 0, "protected-mode code follows the setup");
        assertTrue(b.getInt(0x260) >= kernel, "init_size covers the code and its bss");
        assertTrue(b.getInt(0x1F4) * 16 >= kernel, "syssize counts the code in paragraphs");
        assertEquals(0x66, b.get(0x201), "the jump at 0x200 skips the header up to 0x268");
        assertEquals(image, TestGuestBuilder.buildBzImage32(work, "tiny32", GUEST), "built once, then cached");
    }
}
