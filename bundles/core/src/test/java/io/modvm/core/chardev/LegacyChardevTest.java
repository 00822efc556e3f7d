package io.modvm.core.chardev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.DeviceException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** QEMU's legacy chardev syntax as the {@code -chardev} it stands for. */
class LegacyChardevTest {
    @Test
    void eachFormIsTheChardevItStandsFor() throws Exception {
        assertEquals(new LegacyChardev("stdio", Map.of()), LegacyChardev.parse("stdio"));
        assertEquals(new LegacyChardev("stdio", Map.of()), LegacyChardev.parse("mon:stdio"));
        assertEquals(new LegacyChardev("null", Map.of()), LegacyChardev.parse("null"));
        assertEquals(new LegacyChardev("file", Map.of("path", "/tmp/x")), LegacyChardev.parse("file:/tmp/x"));
        assertEquals(new LegacyChardev("socket", Map.of("path", "/tmp/s", "server", "on", "wait", "off")),
                LegacyChardev.parse("unix:/tmp/s,server,nowait"));
        assertEquals(new LegacyChardev("socket", Map.of("path", "/tmp/s", "server", "on", "wait", "off")),
                LegacyChardev.parse("unix:/tmp/s,server=on,wait=off"));
        assertEquals(new LegacyChardev("socket", Map.of("path", "/tmp/s", "server", "on", "wait", "on")),
                LegacyChardev.parse("unix:/tmp/s,server"));
    }

    @Test
    void anIdIsNotLegacy() {
        assertTrue(LegacyChardev.isLegacy("file:/x"));
        assertFalse(LegacyChardev.isLegacy("c0"));
        assertFalse(LegacyChardev.isLegacy("serial0"));
    }

    @Test
    void badFormsAreOneLineErrors() {
        assertError("unix socket chardev needs a path; use unix:PATH,server,nowait", "unix:,server");
        assertError("unix socket chardev option 'telnet' is not known; use unix:PATH,server,nowait",
                "unix:/tmp/t.sock,server,telnet");
        assertError("unix socket chardev '/tmp/c.sock': modvm only listens (no client mode); "
                + "use unix:PATH,server,nowait", "unix:/tmp/c.sock");
        assertError("unknown character backend 'tcp:x:1'; use stdio, file:PATH, unix:PATH,server,nowait or null",
                "tcp:x:1");
    }

    private static void assertError(String message, String spec) {
        DeviceException e = assertThrows(DeviceException.class, () -> LegacyChardev.parse(spec));
        assertEquals(message, e.getMessage());
    }
}
