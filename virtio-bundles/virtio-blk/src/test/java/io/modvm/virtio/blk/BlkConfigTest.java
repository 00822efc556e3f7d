package io.modvm.virtio.blk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.DeviceException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BlkConfigTest {
    @Test
    void aDriveIsABackendTheDeviceNames() throws Exception {
        BlkConfig c = BlkConfig.parse("vd0", Map.of("drive", "d0", "serial", "12345678901234567890"));
        assertEquals("d0", c.drive());
        assertNull(c.image(), "no image of its own");
        assertEquals("12345678901234567890", c.serial());
    }

    @Test
    void anImageOfItsOwnKeepsDrivesOptionsAndTheDeviceIdAsItsName() throws Exception {
        BlkConfig c = BlkConfig.parse("vd0", Map.of("file", "disk.img"));
        assertEquals(Map.of("file", "disk.img"), c.image());
        assertEquals("vd0", c.drive());
        assertEquals("", c.serial());
        BlkConfig all = BlkConfig.parse("vd0", Map.of("id", "vd0", "file", "a.qcow2", "format", "qcow2",
                "readonly", "on", "cache", "none", "drive", "d0"));
        assertEquals(Map.of("file", "a.qcow2", "format", "qcow2", "readonly", "on", "cache", "none"), all.image(),
                "checked by the drive backend that opens it");
        assertEquals("d0", all.drive(), "the name query-block reports");
    }

    @Test
    void badInputIsOneLineNamingWhatToDo() {
        assertMessage(Map.of("file", "f", "bogus", "1"), "unknown property 'bogus'; accepted: bootindex, cache, drive,"
                + " file, format, readonly, serial");
        assertMessage(Map.of(), "no disk given; name a block backend with drive=ID");
        assertMessage(Map.of("drive", "d0", "readonly", "on"), "property 'readonly' belongs to the drive");
        assertMessage(Map.of("file", ""), "property 'file' is empty");
        assertMessage(Map.of("drive", ""), "property 'drive' is empty");
        assertMessage(Map.of("file", "f", "serial", "123456789012345678901"), "longer than 20 bytes");
    }

    private static void assertMessage(Map<String, String> properties, String part) {
        DeviceException e = assertThrows(DeviceException.class, () -> BlkConfig.parse("vd0", properties));
        assertTrue(e.getMessage().startsWith("virtio-blk-pci: "), e.getMessage());
        assertTrue(e.getMessage().contains(part), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
