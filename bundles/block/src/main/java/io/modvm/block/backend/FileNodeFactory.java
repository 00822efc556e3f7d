package io.modvm.block.backend;

import io.modvm.api.backend.Backend;
import io.modvm.api.backend.BackendContext;
import io.modvm.api.backend.BackendFactory;
import io.modvm.api.backend.BackendKinds;
import io.modvm.api.backend.BackendOptions;
import io.modvm.api.device.DeviceException;
import io.modvm.block.CacheMode;
import io.modvm.block.DiskImage;
import io.modvm.block.image.HostFile;
import io.modvm.block.image.ImageOpener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * QEMU's {@code file} node ({@code -blockdev driver=file,node-name=N,filename=F}): a host file, read as a raw disk
 * by a device that takes it, or lent to a {@code raw} or {@code qcow2} node opened on it ({@code file=N}).
 */
@Component(service = BackendFactory.class,
        property = {BackendFactory.PROP_KIND + "=" + BackendKinds.BLOCK, BackendFactory.PROP_TYPE + "=file"})
public final class FileNodeFactory implements BackendFactory {
    static final Set<String> OPTIONS = Set.of("filename", "read-only", "auto-read-only", "cache.direct",
            "cache.no-flush", "discard", "locking", "aio", "detect-zeroes");

    @Override
    public String kind() {
        return BackendKinds.BLOCK;
    }

    @Override
    public String type() {
        return "file";
    }

    @Override
    public String description() {
        return "a host file (options: filename, read-only, auto-read-only, cache.direct, cache.no-flush, discard)";
    }

    @Override
    public Backend open(BackendContext context, Map<String, String> properties) throws DeviceException {
        BackendOptions options = new BackendOptions(type(), properties, OPTIONS);
        return open(options, "", type());
    }

    /** Opens a file node from {@code options} whose names start with {@code prefix} (a format node's inline file). */
    static OpenNode open(BackendOptions options, String prefix, String type) throws DeviceException {
        options.oneOf(prefix + "discard", "ignore", "unmap", "on", "off");
        options.oneOf(prefix + "locking", "auto", "on", "off");
        options.oneOf(prefix + "aio", "threads", "native", "io_uring");
        options.oneOf(prefix + "detect-zeroes", "off");
        Path path = Path.of(options.required(prefix + "filename", prefix + "filename=/var/lib/disk.img"));
        boolean readOnly = options.flag(prefix + "read-only", false)
                || options.flag(prefix + "auto-read-only", false) && !Files.isWritable(path);
        CacheMode cache = CacheOptions.flags(options, type, prefix);
        try {
            HostFile file = ImageOpener.openFile(path, readOnly, cache);
            DiskImage raw = ImageOpener.openFormat(file.borrowed(), "raw", readOnly, cache, false);
            return new OpenNode(raw, cache, file, List.of(file));
        } catch (IOException e) {
            throw new DeviceException(type + ": " + (e.getMessage() != null ? e.getMessage() : path + ": " + e), e);
        }
    }
}
