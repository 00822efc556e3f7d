package io.modvm.block.backend;

import io.modvm.api.backend.Backend;
import io.modvm.api.backend.BackendContext;
import io.modvm.api.backend.BackendKinds;
import io.modvm.api.backend.BackendOptions;
import io.modvm.api.device.DeviceException;
import io.modvm.block.CacheMode;
import io.modvm.block.DiskImage;
import io.modvm.block.image.HostFile;
import io.modvm.block.image.ImageOpener;
import java.io.Closeable;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * QEMU's format nodes ({@code -blockdev driver=raw|qcow2,node-name=N,file=F}): an image format read from the file
 * node {@code F} (which it then holds), or from a file given inline ({@code file.filename=...}, as QEMU's dotted
 * options). {@code backing=null} opens a qcow2 image without its backing chain, as libvirt asks.
 */
abstract class FormatNodeFactory {
    private static final Set<String> OPTIONS = Set.of("file", "read-only", "auto-read-only", "cache.direct",
            "cache.no-flush", "discard", "detect-zeroes", "backing", "file.driver");

    public final String kind() {
        return BackendKinds.BLOCK;
    }

    public abstract String type();

    public Backend open(BackendContext context, Map<String, String> properties) throws DeviceException {
        Set<String> accepted = new HashSet<>(OPTIONS);
        FileNodeFactory.OPTIONS.forEach(o -> accepted.add("file." + o));
        BackendOptions options = new BackendOptions(type(), properties, accepted);
        options.oneOf("file.driver", "file");
        options.oneOf("discard", "ignore", "unmap", "on", "off");
        options.oneOf("detect-zeroes", "off");
        options.oneOf("backing", "null");
        boolean readOnly = options.flag("read-only", false);
        CacheMode cache = CacheOptions.flags(options, type(), "");
        OpenNode child;
        boolean inline = options.has("file.filename");
        if (inline) {
            child = FileNodeFactory.open(options, "file.", type());
        } else {
            String id = options.required("file", "file=NODE (a file node's node-name) or file.filename=PATH");
            child = context.backend(BackendKinds.BLOCK, id, OpenNode.class);
            if (child.hostFile() == null) {
                throw new DeviceException(type() + ": node '" + id + "' is not a file node; give file= a node of "
                        + "driver=file");
            }
        }
        if (!readOnly && child.image().readOnly()) {
            if (inline) {
                child.close();
            }
            throw new DeviceException(type() + ": the file under it is read-only; give read-only=on");
        }
        HostFile file = child.hostFile().borrowed();
        try {
            DiskImage image = ImageOpener.openFormat(file, type(), readOnly, cache, !options.has("backing"));
            List<Closeable> owned = inline ? List.of(image, child::close) : List.of(image);
            return new OpenNode(image, cache, null, owned);
        } catch (IOException e) {
            if (inline) {
                child.close();
            }
            throw new DeviceException(type() + ": " + (e.getMessage() != null ? e.getMessage() : e.toString()), e);
        }
    }
}
