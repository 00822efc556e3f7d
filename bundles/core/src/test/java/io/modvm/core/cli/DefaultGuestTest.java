package io.modvm.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultGuestTest {
    @TempDir
    Path dir;

    @Test
    void hostOptionsAreAddedOnlyOnEmulatingHosts() throws IOException, UsageException {
        DefaultGuest guest = new DefaultGuest(dir);
        assertFalse(guest.isBuilt());
        Files.writeString(dir.resolve("bzImage"), "k");
        Files.writeString(dir.resolve("initramfs.cpio"), "i");
        assertTrue(guest.isBuilt());
        assertEquals("console=ttyS0", guest.cmdline(null, false));
        assertEquals("quiet", guest.cmdline("quiet", false));
        assertThrows(UsageException.class, () -> guest.cmdline(null, true), "options file missing");
        Files.writeString(dir.resolve("cmdline-pvm.txt"), "noxsave nowatchdog\n");
        assertEquals("console=ttyS0 noxsave nowatchdog", guest.cmdline(null, true));
        assertEquals("console=hvc0 noxsave nowatchdog", guest.cmdline("console=hvc0", true));
        assertTrue(guest.missingMessage("tools/guest/build").contains("build it once with tools/guest/build"));
    }
}
