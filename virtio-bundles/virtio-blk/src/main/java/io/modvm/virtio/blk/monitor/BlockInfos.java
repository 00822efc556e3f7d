package io.modvm.virtio.blk.monitor;

import io.modvm.block.CacheMode;
import io.modvm.block.DiskImage;
import io.modvm.virtio.blk.Drive;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Drives as QEMU 7.2's {@code query-block} describes them ({@code BlockInfo}, {@code BlockDeviceInfo} and
 * {@code ImageInfo} in qapi/block-core.json), with the keys and value types QEMU sends. modvm has no I/O throttling,
 * zero detection or encryption, so those fields carry QEMU's values for "off".
 */
final class BlockInfos {
    private BlockInfos() {
    }

    static Map<String, Object> blockInfo(Drive drive) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("io-status", "ok");
        info.put("device", drive.id());
        info.put("locked", false);
        info.put("removable", false);
        info.put("inserted", inserted(drive));
        info.put("qdev", drive.qdevPath());
        info.put("type", "unknown");
        return info;
    }

    private static Map<String, Object> inserted(Drive drive) {
        DiskImage image = drive.image();
        Map<String, Object> inserted = new LinkedHashMap<>();
        inserted.put("iops_rd", 0L);
        inserted.put("detect_zeroes", "off");
        inserted.put("image", imageInfo(image));
        inserted.put("iops_wr", 0L);
        inserted.put("ro", image.readOnly());
        inserted.put("node-name", drive.nodeName());
        inserted.put("backing_file_depth", (long) depth(image));
        inserted.put("drv", image.format());
        inserted.put("iops", 0L);
        inserted.put("bps_wr", 0L);
        inserted.put("write_threshold", 0L);
        if (image.backing() != null) {
            inserted.put("backing_file", image.backing().path().toString());
        }
        inserted.put("encrypted", false);
        inserted.put("bps", 0L);
        inserted.put("bps_rd", 0L);
        inserted.put("cache", cache(drive.cache()));
        inserted.put("file", image.path().toString());
        return inserted;
    }

    private static Map<String, Object> cache(CacheMode mode) {
        Map<String, Object> cache = new LinkedHashMap<>();
        cache.put("no-flush", mode.noFlush());
        cache.put("direct", mode.direct());
        cache.put("writeback", mode.writeback());
        return cache;
    }

    private static Map<String, Object> imageInfo(DiskImage image) {
        Map<String, Object> info = new LinkedHashMap<>();
        DiskImage backing = image.backing();
        if (backing != null) {
            info.put("backing-image", imageInfo(backing));
            info.put("backing-filename-format", backing.format());
        }
        info.put("virtual-size", image.size());
        info.put("filename", image.path().toString());
        if (image.clusterSize() != 0) {
            info.put("cluster-size", image.clusterSize());
        }
        info.put("format", image.format());
        info.put("actual-size", image.actualSize());
        Map<String, Object> specific = image.formatSpecific();
        if (specific != null) {
            Map<String, Object> wrapped = new LinkedHashMap<>();
            wrapped.put("type", image.format());
            wrapped.put("data", specific);
            info.put("format-specific", wrapped);
        }
        if (backing != null) {
            info.put("full-backing-filename", backing.path().toString());
            info.put("backing-filename", image.backingName());
        }
        info.put("dirty-flag", false);
        return info;
    }

    private static int depth(DiskImage image) {
        int depth = 0;
        for (DiskImage b = image.backing(); b != null; b = b.backing()) {
            depth++;
        }
        return depth;
    }
}
