package io.modvm.virtio.blk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.DeviceException;
import io.modvm.virtio.blk.image.CacheMode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BlkConfigTest {
    @Test
    void defaultsFollowQemu() throws Exception {
        BlkConfig c = BlkConfig.parse("vd0", Map.of("file", "disk.img"));
        assertEquals(Path.of("disk.img"), c.file());
        assertNull(c.format());
        assertFalse(c.readOnly());
        assertEquals(CacheMode.WRITEBACK, c.cache());
        assertEquals("vd0", c.drive());
        assertEquals("", c.serial());
    }

    @Test
    void everyPropertyIsParsed() throws Exception {
        BlkConfig c = BlkConfig.parse("vd0", Map.of("id", "vd0", "file", "a.qcow2", "format", "qcow2",
                "readonly", "on", "cache", "none", "drive", "d0", "serial", "12345678901234567890"));
        assertEquals("qcow2", c.format());
        assertTrue(c.readOnly());
        assertEquals(CacheMode.NONE, c.cache());
        assertEquals("d0", c.drive());
        assertEquals("12345678901234567890", c.serial());
        assertTrue(BlkConfig.parse("x", Map.of("file", "f", "readonly", "true")).readOnly());
        assertFalse(BlkConfig.parse("x", Map.of("file", "f", "readonly", "off")).readOnly());
    }

    @Test
    void badInputIsOneLineNamingWhatToDo() {
        assertMessage(Map.of("file", "f", "bogus", "1"), "unknown property 'bogus'; accepted: cache, drive, file,"
                + " format, readonly, serial");
        assertMessage(Map.of(), "property 'file' is required");
        assertMessage(Map.of("file", "f", "format", "vmdk"), "format 'vmdk' is not supported; use raw or qcow2");
        assertMessage(Map.of("file", "f", "readonly", "maybe"), "use on or off");
        assertMessage(Map.of("file", "f", "cache", "fast"),
                "use one of writeback, none, writethrough, directsync, unsafe");
        assertMessage(Map.of("file", "f", "serial", "123456789012345678901"), "longer than 20 bytes");
    }

    private static void assertMessage(Map<String, String> properties, String part) {
        DeviceException e = assertThrows(DeviceException.class, () -> BlkConfig.parse("vd0", properties));
        assertTrue(e.getMessage().startsWith("virtio-blk-pci: "), e.getMessage());
        assertTrue(e.getMessage().contains(part), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
