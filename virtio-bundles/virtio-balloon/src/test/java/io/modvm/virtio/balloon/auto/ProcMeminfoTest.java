package io.modvm.virtio.balloon.auto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcMeminfoTest {
    @TempDir
    Path dir;

    @Test
    void readsMemAvailableInKib() throws Exception {
        Path file = dir.resolve("meminfo");
        Files.writeString(file, "MemTotal:       16384000 kB\nMemFree:         1000000 kB\n"
                + "MemAvailable:    8123456 kB\nBuffers:           12345 kB\n");
        assertEquals(8123456L * 1024, new ProcMeminfo(file).availableBytes());
    }

    @Test
    void theHostsOwnFileIsReadable() throws Exception {
        assertTrue(new ProcMeminfo(ProcMeminfo.DEFAULT).availableBytes() > 0);
    }

    @Test
    void aFileWithoutTheLineIsAnError() throws Exception {
        Path file = dir.resolve("meminfo");
        Files.writeString(file, "MemTotal: 100 kB\n");
        IOException e = assertThrows(IOException.class, () -> new ProcMeminfo(file).availableBytes());
        assertTrue(e.getMessage().contains("no MemAvailable: line"), e.getMessage());
    }

    @Test
    void aGarbledLineIsAnError() throws Exception {
        Path file = dir.resolve("meminfo");
        Files.writeString(file, "MemAvailable: lots kB\n");
        assertThrows(IOException.class, () -> new ProcMeminfo(file).availableBytes());
        Files.writeString(file, "MemAvailable: 5 MB\n");
        assertThrows(IOException.class, () -> new ProcMeminfo(file).availableBytes());
    }

    @Test
    void aMissingFileIsAnError() {
        assertThrows(IOException.class, () -> new ProcMeminfo(dir.resolve("absent")).availableBytes());
    }
}
