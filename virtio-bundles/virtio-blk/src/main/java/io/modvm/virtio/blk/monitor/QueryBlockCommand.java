package io.modvm.virtio.blk.monitor;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.virtio.blk.BlkRegistry;
import io.modvm.virtio.blk.Drive;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** QMP {@code query-block} and HMP {@code info block}: the drives of the virtio-blk devices, as QEMU 7.2 lists them. */
@Component(service = MonitorCommand.class, property = {MonitorCommand.PROP_NAME + "=query-block",
        MonitorCommand.PROP_HMP_NAME + "=" + QueryBlockCommand.HMP_NAME})
public final class QueryBlockCommand implements MonitorCommand {
    static final String HMP_NAME = "info block";

    @Reference
    private BlkRegistry registry;

    public QueryBlockCommand() {
    }

    /** For tests, which have no DS runtime. */
    public QueryBlockCommand(BlkRegistry registry) {
        this.registry = registry;
    }

    @Override
    public String name() {
        return "query-block";
    }

    @Override
    public String description() {
        return "list the block devices and their images";
    }

    @Override
    public String hmpName() {
        return HMP_NAME;
    }

    @Override
    public Object execute(Map<String, Object> arguments) {
        List<Object> result = new ArrayList<>();
        for (Drive drive : registry.drives()) {
            result.add(BlockInfos.blockInfo(drive));
        }
        return result;
    }

    /**
     * As QEMU's {@code print_block_info}: a line per drive with its node, file and format, then its device and
     * cache mode, and the backing file if there is one; drives separated by a blank line.
     */
    @Override
    public String formatHmp(Object result) {
        StringBuilder out = new StringBuilder();
        for (Object item : (List<?>) result) {
            Map<?, ?> info = (Map<?, ?>) item;
            Map<?, ?> inserted = (Map<?, ?>) info.get("inserted");
            Map<?, ?> cache = (Map<?, ?>) inserted.get("cache");
            if (out.length() > 0) {
                out.append('\n');
            }
            out.append(info.get("device")).append(" (").append(inserted.get("node-name")).append("): ")
                    .append(inserted.get("file")).append(" (").append(inserted.get("drv"))
                    .append(Boolean.TRUE.equals(inserted.get("ro")) ? ", read-only" : "").append(")\n");
            out.append("    Attached to:      ").append(info.get("qdev")).append('\n');
            out.append("    Cache mode:       ")
                    .append(Boolean.TRUE.equals(cache.get("writeback")) ? "writeback" : "writethrough")
                    .append(Boolean.TRUE.equals(cache.get("direct")) ? ", direct" : "")
                    .append(Boolean.TRUE.equals(cache.get("no-flush")) ? ", ignore flushes" : "").append('\n');
            if (inserted.containsKey("backing_file")) {
                out.append("    Backing file:     ").append(inserted.get("backing_file")).append(" (chain depth: ")
                        .append(inserted.get("backing_file_depth")).append(")\n");
            }
        }
        return out.toString();
    }
}
