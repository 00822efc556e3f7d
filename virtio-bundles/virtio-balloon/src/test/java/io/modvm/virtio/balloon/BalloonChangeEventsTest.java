package io.modvm.virtio.balloon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.monitor.MonitorEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BalloonChangeEventsTest {
    private record Emitted(String event, Map<String, Object> data) {
    }

    private final List<Emitted> emitted = new ArrayList<>();
    private final MonitorEvents monitor = (event, data) -> emitted.add(new Emitted(event, data));

    @Test
    void aGuestWriteOfActualBecomesBalloonChange() throws Exception {
        BalloonChangeEvents events = new BalloonChangeEvents();
        events.setEvents(monitor);
        BalloonDevice balloon = new BalloonDevice("balloon0", 1L << 30, BalloonConfig.DEFAULTS, events,
                () -> 0, b -> { });
        balloon.writeConfig(BalloonConfigSpace.ACTUAL, 4, (256L << 20) >> 12);

        assertEquals(List.of(new Emitted("BALLOON_CHANGE", Map.of("actual", 768L << 20))), emitted);
    }

    @Test
    void withoutAMonitorNothingIsEmittedAndNothingFails() {
        BalloonChangeEvents events = new BalloonChangeEvents();
        events.setEvents(monitor);
        events.unsetEvents(monitor);
        events.actualChanged(new FakeBalloon(1L << 30), 5);
        assertTrue(emitted.isEmpty());
    }

    @Test
    void aFailingMonitorDoesNotReachTheGuest() {
        BalloonChangeEvents events = new BalloonChangeEvents();
        events.setEvents((event, data) -> {
            throw new IllegalStateException("socket gone");
        });
        events.actualChanged(new FakeBalloon(1L << 30), 5);
    }

    @Test
    void unbindingAnOlderMonitorKeepsTheNewOne() {
        BalloonChangeEvents events = new BalloonChangeEvents();
        MonitorEvents older = (event, data) -> { };
        events.setEvents(older);
        events.setEvents(monitor);
        events.unsetEvents(older);
        events.actualChanged(new FakeBalloon(1L << 30), 5);
        assertEquals(1, emitted.size());
    }
}
