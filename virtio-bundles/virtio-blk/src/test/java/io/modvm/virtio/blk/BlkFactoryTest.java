package io.modvm.virtio.blk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.DeviceException;
import io.modvm.block.CacheMode;
import io.modvm.block.DiskImage;
import io.modvm.block.DiskImages;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The factory's part short of plugging into PCI: the drive registry, over a block backend it was given. */
class BlkFactoryTest {
    @TempDir
    Path dir;

    private final BlkRegistry registry = new BlkRegistry();
    private final BlkFactory factory = new BlkFactory(registry);

    @Test
    void registersTheDriveUntilTheDeviceClosesAndLeavesTheImageToItsBackend() throws Exception {
        Path file = Files.write(dir.resolve("d.img"), new byte[4096]);
        try (DiskImage image = DiskImages.open(file, "raw", false, CacheMode.WRITEBACK)) {
            BlkDevice device = factory.createDevice("vd0", BlkConfig.parse("vd0", Map.of("drive", "d0")),
                    TestNodes.node(image));
            assertEquals(List.of(device.drive()), registry.drives());
            assertEquals("raw", device.drive().image().format());
            assertEquals("/machine/peripheral/vd0/virtio-backend", device.drive().qdevPath());
            DeviceException dup = assertThrows(DeviceException.class, () -> factory.createDevice("vd1",
                    BlkConfig.parse("vd1", Map.of("drive", "d0")), TestNodes.node(image)));
            assertTrue(dup.getMessage().contains("drive id 'd0' is in use by device vd0"), dup.getMessage());
            device.close();
            assertEquals(List.of(), registry.drives());
            image.read(ByteBuffer.allocate(512), 0); // still open: the backend closes it, not the device
        }
    }
}
