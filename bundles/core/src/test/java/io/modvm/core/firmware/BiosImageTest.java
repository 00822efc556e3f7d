package io.modvm.core.firmware;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.core.boot.BootException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BiosImageTest {
    @TempDir
    Path dir;

    static byte[] image(int size) {
        byte[] b = new byte[size];
        b[size - 16] = (byte) 0xEA; // jmp far
        b[size - 1] = 0x42;
        return b;
    }

    @Test
    void aBiosEndsAt4GiBAndItsLast128KiBAreTheLegacyWindow() throws Exception {
        Path f = Files.write(dir.resolve("bios.bin"), image(256 * 1024));
        BiosImage bios = BiosImage.read(f);
        assertEquals(0xFFFC_0000L, bios.topAddress());
        byte[] legacy = bios.legacyWindow();
        assertEquals(128 * 1024, legacy.length);
        assertEquals(0x42, legacy[legacy.length - 1]);
        assertEquals(64 * 1024, BiosImage.read(Files.write(dir.resolve("small.bin"), image(64 * 1024)))
                .legacyWindow().length, "a 64 KiB image is all below 1 MiB");
    }

    @Test
    void notABiosIsOneLine() throws IOException {
        Path odd = Files.write(dir.resolve("odd.bin"), new byte[1000]);
        BootException e = assertThrows(BootException.class, () -> BiosImage.read(odd));
        assertEquals("-bios " + odd + ": not a BIOS image (1000 bytes; a BIOS image is a multiple of 64 KiB, at "
                + "most 16 MiB)", e.getMessage());
        Path noJump = Files.write(dir.resolve("zeros.bin"), new byte[64 * 1024]);
        e = assertThrows(BootException.class, () -> BiosImage.read(noJump));
        assertTrue(e.getMessage().contains("no jump at its reset vector"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        Path missing = dir.resolve("missing.bin");
        e = assertThrows(BootException.class, () -> BiosImage.read(missing));
        assertTrue(e.getMessage().startsWith("-bios " + missing + ": cannot read it"), e.getMessage());
    }

    @Test
    void searchLooksInTheGivenDirectoriesFirst() throws Exception {
        Path l = Files.createDirectories(dir.resolve("L"));
        Files.write(l.resolve("bios-256k.bin"), image(128 * 1024));
        FirmwareSearch search = new FirmwareSearch(List.of(l));
        assertEquals(l.resolve("bios-256k.bin").toString(), search.bios(null).name());
        Files.write(l.resolve("mine.bin"), image(64 * 1024));
        assertEquals(l.resolve("mine.bin").toString(), search.bios(Path.of("mine.bin")).name());
        BootException e = assertThrows(BootException.class, () -> search.bios(Path.of("nothere.bin")));
        assertTrue(e.getMessage().startsWith("-bios nothere.bin: nothere.bin is in none of ["), e.getMessage());
    }

    @Test
    void loaderPutsTheLegacyWindowBelow1MiBAndStartsFromReset() throws Exception {
        BiosImage bios = BiosImage.of("t", image(128 * 1024));
        FirmwareLoader loader = new FirmwareLoader(bios, List.of());
        io.modvm.core.memory.RamGuestMemory memory = new io.modvm.core.memory.RamGuestMemory.Builder()
                .add(0, new io.modvm.core.memory.HeapRam(2 << 20), 0, 2 << 20).build();
        var state = loader.load(memory, new io.modvm.core.memory.MemoryLayout(2 << 20), 0);
        assertEquals(io.modvm.api.accel.CpuMode.RESET, state.mode());
        byte[] top = new byte[16];
        memory.read(0x10_0000 - 16, top, 0, 16);
        assertArrayEquals(java.util.Arrays.copyOfRange(image(128 * 1024), 128 * 1024 - 16, 128 * 1024), top);
        assertFalse(loader.bootsLinux());
    }
}
