package io.modvm.virtio.balloon.monitor;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.virtio.balloon.BalloonRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * QEMU's {@code query-balloon} ({@code info balloon} in HMP): the guest's usable memory, RAM minus what its balloon
 * holds, as {@code {"actual": bytes}}; QEMU 7.2 returns nothing else.
 */
@Component(service = MonitorCommand.class, property = {MonitorCommand.PROP_NAME + "=" + QueryBalloonCommand.NAME,
        MonitorCommand.PROP_HMP_NAME + "=" + QueryBalloonCommand.HMP_NAME})
public final class QueryBalloonCommand extends BalloonMonitorCommand {
    static final String HMP_NAME = "info balloon";

    static final String NAME = "query-balloon";

    @Activate
    public QueryBalloonCommand(@Reference(name = "registry") BalloonRegistry registry) {
        super(registry);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "show balloon information";
    }

    @Override
    public String hmpName() {
        return HMP_NAME;
    }

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("actual", balloon().actualMemory());
        return result;
    }

    /** QEMU prints MiB, rounded down, as one line. */
    @Override
    public String formatHmp(Object result) {
        Object actual = result instanceof Map<?, ?> map ? map.get("actual") : null;
        long bytes = actual instanceof Number n ? n.longValue() : 0;
        return "balloon: actual=" + (bytes >> 20) + "\n";
    }
}
