package io.modvm.block.backend;

import io.modvm.api.backend.Backend;
import io.modvm.api.backend.BackendContext;
import io.modvm.api.backend.BackendFactory;
import io.modvm.api.backend.BackendKinds;
import io.modvm.api.backend.BackendOptions;
import io.modvm.api.device.DeviceException;
import io.modvm.block.CacheMode;
import io.modvm.block.DiskImage;
import io.modvm.block.image.ImageOpener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * QEMU's legacy drive ({@code -drive}, HMP {@code drive_add}): an image file and its format in one node, the format
 * probed when none is given (a qcow2 header, else raw), with {@code -drive}'s option names.
 */
@Component(service = BackendFactory.class,
        property = {BackendFactory.PROP_KIND + "=" + BackendKinds.BLOCK, BackendFactory.PROP_TYPE + "=drive"})
public final class DriveNodeFactory implements BackendFactory {
    private static final Set<String> OPTIONS = Set.of("file", "format", "readonly", "cache", "discard", "aio",
            "detect-zeroes");

    @Override
    public String kind() {
        return BackendKinds.BLOCK;
    }

    @Override
    public String type() {
        return "drive";
    }

    @Override
    public String description() {
        return "an image as -drive opens it (options: file, format, readonly, cache, discard, aio)";
    }

    @Override
    public Backend open(BackendContext context, Map<String, String> properties) throws DeviceException {
        BackendOptions options = new BackendOptions("drive " + context.backendId(), properties, OPTIONS);
        options.oneOf("format", "raw", "qcow2");
        options.oneOf("discard", "ignore", "unmap", "on", "off");
        options.oneOf("aio", "threads", "native", "io_uring");
        options.oneOf("detect-zeroes", "off");
        Path path = Path.of(options.required("file", "file=disk.img"));
        boolean readOnly = options.flag("readonly", false);
        CacheMode cache = CacheOptions.named(options, "drive " + context.backendId(), "cache");
        try {
            DiskImage image = ImageOpener.open(path, options.get("format"), readOnly, cache);
            return new OpenNode(image, cache, null, List.of(image));
        } catch (IOException e) {
            throw new DeviceException(e.getMessage() != null ? e.getMessage() : path + ": " + e, e);
        }
    }
}
