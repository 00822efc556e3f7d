package io.modvm.virtio.blk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.DeviceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The factory's part short of plugging into PCI: opening the image, host-side errors, and the drive registry. */
class BlkFactoryTest {
    @TempDir
    Path dir;

    private final BlkRegistry registry = new BlkRegistry();
    private final BlkFactory factory = new BlkFactory(registry);

    @Test
    void registersTheDriveUntilTheDeviceCloses() throws Exception {
        Path file = dir.resolve("d.img");
        Files.write(file, new byte[4096]);
        BlkDevice device = factory.createDevice("vd0", Map.of("file", file.toString(), "drive", "d0"));
        assertEquals(List.of(device.drive()), registry.drives());
        assertEquals("raw", device.drive().image().format());
        assertEquals("/machine/peripheral/vd0/virtio-backend", device.drive().qdevPath());
        DeviceException dup = assertThrows(DeviceException.class,
                () -> factory.createDevice("vd1", Map.of("file", file.toString(), "drive", "d0")));
        assertTrue(dup.getMessage().contains("drive id 'd0' is in use by device vd0"), dup.getMessage());
        device.close();
        assertEquals(List.of(), registry.drives());
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("nope.img");
        DeviceException e = assertThrows(DeviceException.class,
                () -> factory.createDevice("vd0", Map.of("file", missing.toString())));
        assertEquals("virtio-blk-pci vd0: " + missing + ": no such file; create it with qemu-img create -f raw "
                + missing + " SIZE", e.getMessage());
    }

    @Test
    void readOnlyFileOpenedWritableIsRefused() throws Exception {
        Path file = dir.resolve("ro.img");
        Files.write(file, new byte[4096]);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
        if (Files.isWritable(file)) {
            System.err.println("skipped the read-only part: running as root, every file is writable");
        } else {
            DeviceException e = assertThrows(DeviceException.class,
                    () -> factory.createDevice("vd0", Map.of("file", file.toString())));
            assertTrue(e.getMessage().contains("is read-only; use readonly=on"), e.getMessage());
        }
        factory.createDevice("vd1", Map.of("file", file.toString(), "readonly", "on")).close();
    }

    @Test
    void formatMismatchIsReported() throws Exception {
        Path file = dir.resolve("plain.img");
        Files.write(file, new byte[4096]);
        DeviceException e = assertThrows(DeviceException.class,
                () -> factory.createDevice("vd0", Map.of("file", file.toString(), "format", "qcow2")));
        assertTrue(e.getMessage().contains("is not a qcow2 image (bad magic); use format=raw"), e.getMessage());
        assertEquals(List.of(), registry.drives());
    }
}
