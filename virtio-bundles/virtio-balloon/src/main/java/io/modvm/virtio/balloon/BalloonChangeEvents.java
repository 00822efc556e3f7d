package io.modvm.virtio.balloon;

import io.modvm.api.monitor.MonitorEvents;
import io.modvm.api.monitor.QmpEvents;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns balloon changes into QEMU's {@code BALLOON_CHANGE} QMP event, {@code {"actual": bytes}}. The monitor is
 * optional and may come and go while a guest runs, so the reference is dynamic and a change with no monitor is
 * simply not announced.
 */
@Component(service = BalloonChangeEvents.class)
public final class BalloonChangeEvents implements BalloonListener {
    private static final Logger LOG = LoggerFactory.getLogger(BalloonChangeEvents.class);

    private volatile MonitorEvents events;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setEvents(MonitorEvents monitorEvents) {
        this.events = monitorEvents;
    }

    void unsetEvents(MonitorEvents monitorEvents) {
        if (this.events == monitorEvents) {
            this.events = null;
        }
    }

    @Override
    public void actualChanged(Balloon balloon, long actualBytes) {
        MonitorEvents sink = events;
        if (sink == null) {
            return;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("actual", actualBytes);
        try {
            sink.emit(QmpEvents.BALLOON_CHANGE, data);
        } catch (RuntimeException e) {
            LOG.warn("{}: could not emit {}: {}", balloon.id(), QmpEvents.BALLOON_CHANGE, e.toString());
        }
    }
}
