package io.modvm.virtio.blk.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.modvm.virtio.blk.BlkRegistry;
import io.modvm.block.CacheMode;
import io.modvm.block.DiskImage;
import io.modvm.block.DiskImages;
import io.modvm.testkit.QemuTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** query-block and info block, against what QEMU 7.2 printed for the same drives. */
class QueryBlockCommandTest {
    @TempDir
    Path dir;

    @Test
    void rawDriveLooksLikeQemus() throws Exception {
        Path file = dir.resolve("d.img");
        Files.write(file, new byte[1 << 20]);
        BlkRegistry registry = new BlkRegistry();
        try (DiskImage image = DiskImages.open(file, "raw", false, CacheMode.WRITEBACK)) {
            registry.register("d0", "vd0", image, CacheMode.WRITEBACK, "");
            QueryBlockCommand command = new QueryBlockCommand(registry);
            Object result = command.execute(Map.of());
            List<?> list = (List<?>) result;
            assertEquals(1, list.size());
            Map<?, ?> info = (Map<?, ?>) list.get(0);
            assertEquals("d0", info.get("device"));
            assertEquals("/machine/peripheral/vd0/virtio-backend", info.get("qdev"));
            assertEquals(false, info.get("removable"));
            assertEquals(false, info.get("locked"));
            assertEquals("unknown", info.get("type"));
            assertEquals("ok", info.get("io-status"));
            Map<?, ?> inserted = (Map<?, ?>) info.get("inserted");
            assertEquals(file.toString(), inserted.get("file"));
            assertEquals("raw", inserted.get("drv"));
            assertEquals(false, inserted.get("ro"));
            assertEquals("#block001", inserted.get("node-name"));
            assertEquals(0L, inserted.get("backing_file_depth"));
            assertEquals("off", inserted.get("detect_zeroes"));
            for (String zero : List.of("bps", "bps_rd", "bps_wr", "iops", "iops_rd", "iops_wr", "write_threshold")) {
                assertEquals(0L, inserted.get(zero), zero);
            }
            assertFalse(inserted.containsKey("backing_file"));
            assertEquals(Map.of("no-flush", false, "direct", false, "writeback", true), inserted.get("cache"));
            Map<?, ?> imageInfo = (Map<?, ?>) inserted.get("image");
            assertEquals((long) (1 << 20), imageInfo.get("virtual-size"));
            assertEquals("raw", imageInfo.get("format"));
            assertEquals(false, imageInfo.get("dirty-flag"));
            assertEquals("d0 (#block001): " + file + " (raw)\n"
                    + "    Attached to:      /machine/peripheral/vd0/virtio-backend\n"
                    + "    Cache mode:       writeback\n", command.formatHmp(result));
            assertEquals("info block", command.hmpName());
        }
    }

    @Test
    void qcow2OverlayReportsItsBackingChain() throws Exception {
        QemuTools.require();
        Path base = dir.resolve("base.raw");
        QemuTools.img("create", "-f", "raw", base.toString(), "1M");
        Path top = dir.resolve("ov.qcow2");
        QemuTools.img("create", "-f", "qcow2", "-b", "base.raw", "-F", "raw", top.toString(), "2M");
        BlkRegistry registry = new BlkRegistry();
        try (DiskImage a = DiskImages.open(base, null, false, CacheMode.WRITEBACK);
                DiskImage b = DiskImages.open(top, null, true, CacheMode.NONE)) {
            registry.register("d0", "vd0", a, CacheMode.WRITEBACK, "");
            registry.register("virtio0", "dev1", b, CacheMode.NONE, "");
            QueryBlockCommand command = new QueryBlockCommand(registry);
            Object result = command.execute(Map.of());
            Map<?, ?> inserted = (Map<?, ?>) ((Map<?, ?>) ((List<?>) result).get(1)).get("inserted");
            assertEquals(base.toString(), inserted.get("backing_file"));
            assertEquals(1L, inserted.get("backing_file_depth"));
            assertEquals(true, inserted.get("ro"));
            Map<?, ?> image = (Map<?, ?>) inserted.get("image");
            assertEquals(65536L, image.get("cluster-size"));
            assertEquals("base.raw", image.get("backing-filename"));
            assertEquals(base.toString(), image.get("full-backing-filename"));
            assertEquals("raw", image.get("backing-filename-format"));
            assertEquals("raw", ((Map<?, ?>) image.get("backing-image")).get("format"));
            Map<?, ?> specific = (Map<?, ?>) image.get("format-specific");
            assertEquals("qcow2", specific.get("type"));
            assertEquals(Map.of("compat", "1.1", "compression-type", "zlib", "lazy-refcounts", false,
                    "refcount-bits", 16L, "corrupt", false, "extended-l2", false), specific.get("data"));
            assertEquals("d0 (#block001): " + base + " (raw)\n"
                    + "    Attached to:      /machine/peripheral/vd0/virtio-backend\n"
                    + "    Cache mode:       writeback\n"
                    + "\n"
                    + "virtio0 (#block002): " + top + " (qcow2, read-only)\n"
                    + "    Attached to:      /machine/peripheral/dev1/virtio-backend\n"
                    + "    Cache mode:       writeback, direct\n"
                    + "    Backing file:     " + base + " (chain depth: 1)\n", command.formatHmp(result));
        }
    }
}
