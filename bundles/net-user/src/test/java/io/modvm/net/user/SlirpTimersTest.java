package io.modvm.net.user;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The timer table libslirp's timer_new_opaque, timer_mod and timer_free fill and the poll loop fires. */
class SlirpTimersTest {
    @Test
    void armedTimersFireOnceAtTheirDeadlineAndBoundTheSleep() {
        SlirpTimers timers = new SlirpTimers();
        Pointer ra = timers.create(0, new Pointer(0x1000));
        Pointer other = timers.create(7, null);
        assertEquals(1000, timers.millisUntilNext(50, 1000), "none armed: the limit");
        timers.modify(ra, 300);
        timers.modify(other, 200);
        assertEquals(150, timers.millisUntilNext(50, 1000), "the nearest deadline");
        List<String> fired = new ArrayList<>();
        timers.fireDue(199, (id, opaque) -> fired.add(id + "@" + Pointer.nativeValue(opaque)));
        assertEquals(List.of(), fired, "nothing due yet");
        timers.fireDue(250, (id, opaque) -> fired.add(id + "@" + Pointer.nativeValue(opaque)));
        assertEquals(List.of("7@0"), fired);
        timers.fireDue(260, (id, opaque) -> fired.add("again"));
        assertEquals(List.of("7@0"), fired, "a fired timer is disarmed");
        timers.fireDue(400, (id, opaque) -> {
            fired.add(id + "@" + Pointer.nativeValue(opaque));
            timers.modify(ra, 900); // a timer that re-arms itself, as the router advertisement timer does
        });
        assertEquals(List.of("7@0", "0@4096"), fired);
        assertEquals(500, timers.millisUntilNext(400, 1000));
        assertEquals(0, timers.millisUntilNext(950, 1000), "overdue: no sleep");
        timers.free(ra);
        assertEquals(1000, timers.millisUntilNext(950, 1000), "a freed timer never fires");
        timers.modify(ra, 1); // libslirp would not, but a stale token is ignored
        assertEquals(1000, timers.millisUntilNext(950, 1000));
    }
}
