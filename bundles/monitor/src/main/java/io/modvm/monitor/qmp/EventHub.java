package io.modvm.monitor.qmp;

import io.modvm.monitor.json.JsonWriter;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each event to every QMP client that has finished negotiation, stamped as QEMU stamps it:
 * {@code {"timestamp": {"seconds": S, "microseconds": US}, "event": NAME, "data": {...}}}, data left out when null.
 * A client that cannot take an event is dropped; the others still get it.
 */
public final class EventHub {
    private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);

    private final Clock clock;
    private final Set<LineSink> subscribers = new CopyOnWriteArraySet<>();

    public EventHub(Clock clock) {
        this.clock = clock;
    }

    void subscribe(LineSink sink) {
        subscribers.add(sink);
    }

    void unsubscribe(LineSink sink) {
        subscribers.remove(sink);
    }

    /** Never throws: emitters call this from vCPU and device threads. */
    public void emit(String event, Map<String, Object> data) {
        String line;
        try {
            line = JsonWriter.write(message(event, data));
        } catch (IllegalArgumentException e) {
            LOG.warn("event {} dropped: its data is not JSON: {}", event, e.getMessage());
            return;
        }
        for (LineSink sink : subscribers) {
            try {
                sink.send(line);
            } catch (IOException e) {
                LOG.debug("QMP client gone while sending {}: {}", event, e.toString());
                subscribers.remove(sink);
            }
        }
    }

    private Map<String, Object> message(String event, Map<String, Object> data) {
        Instant now = clock.instant();
        Map<String, Object> timestamp = new LinkedHashMap<>();
        timestamp.put("seconds", now.getEpochSecond());
        timestamp.put("microseconds", (long) (now.getNano() / 1000));
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("timestamp", timestamp);
        message.put("event", event);
        if (data != null) {
            message.put("data", data);
        }
        return message;
    }
}
