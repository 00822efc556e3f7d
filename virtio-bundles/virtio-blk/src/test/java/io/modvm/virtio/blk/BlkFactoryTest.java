package io.modvm.virtio.blk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.DeviceException;
import java.nio.charset.StandardCharsets;
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
        // Mode bits do not bind root (CI runs as root); the immutable attribute does, so the check is real there too.
        boolean immutable = Files.isWritable(file);
        if (immutable) {
            chattr("+i", file);
            assertFalse(Files.isWritable(file), "chattr +i should make " + file + " read-only for root too");
        }
        try {
            DeviceException e = assertThrows(DeviceException.class,
                    () -> factory.createDevice("vd0", Map.of("file", file.toString())));
            assertTrue(e.getMessage().contains("is read-only; use readonly=on"), e.getMessage());
            factory.createDevice("vd1", Map.of("file", file.toString(), "readonly", "on")).close();
        } finally {
            if (immutable) {
                chattr("-i", file);
            }
        }
    }

    /** Runs chattr(1) on {@code file}; it must succeed, or the read-only check above would prove nothing. */
    private static void chattr(String change, Path file) throws Exception {
        Process p = new ProcessBuilder("chattr", change, file.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "chattr " + change + " " + file + " (needs a file system with file "
                + "attributes, such as ext4, and CAP_LINUX_IMMUTABLE): " + output);
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
