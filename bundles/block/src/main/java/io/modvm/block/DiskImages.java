package io.modvm.block;

import io.modvm.block.image.ImageOpener;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens image files directly, for code that needs an image without a configured backend (tools, tests). Devices take
 * {@link BlockNode}s instead.
 */
public final class DiskImages {
    private DiskImages() {
    }

    /**
     * Opens {@code path} as QEMU's {@code -drive} would: the format probed when none is given (a qcow2 header, else
     * raw), a qcow2 image's backing chain read-only.
     *
     * @param format {@code raw}, {@code qcow2}, or null to probe
     * @throws IOException with one line naming the file and what to do
     */
    public static DiskImage open(Path path, String format, boolean readOnly, CacheMode cache) throws IOException {
        return ImageOpener.open(path, format, readOnly, cache);
    }
}
