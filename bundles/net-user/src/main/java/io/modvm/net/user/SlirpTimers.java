package io.modvm.net.user;

import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The timers one libslirp stack asks for through timer_new_opaque (libslirp 4.7 has one: IPv6 router
 * advertisements), fired by the stack's poll loop with slirp_handle_timer. A timer is named to libslirp by a token
 * that is never dereferenced. Used under the runtime's lock only, like every other part of a stack.
 */
final class SlirpTimers {
    /** A timer: libslirp's id and argument for slirp_handle_timer, and its deadline in ms, or -1 if not armed. */
    private static final class Timer {
        final int id;
        final Pointer callbackOpaque;
        long deadline = -1;

        Timer(int id, Pointer callbackOpaque) {
            this.id = id;
            this.callbackOpaque = callbackOpaque;
        }
    }

    /** Fires a timer: slirp_handle_timer with its id and argument. */
    interface Firing {
        void fire(int id, Pointer callbackOpaque);
    }

    private final Map<Long, Timer> timers = new HashMap<>();
    private long nextToken = 1;

    Pointer create(int id, Pointer callbackOpaque) {
        long token = nextToken++;
        timers.put(token, new Timer(id, callbackOpaque));
        return new Pointer(token);
    }

    /** Arms {@code timer} for {@code deadline} ms on the runtime's clock. */
    void modify(Pointer timer, long deadline) {
        Timer t = timers.get(Pointer.nativeValue(timer));
        if (t != null) {
            t.deadline = deadline;
        }
    }

    void free(Pointer timer) {
        timers.remove(Pointer.nativeValue(timer));
    }

    /** How long the loop may sleep before the next deadline: at most {@code limit} ms, 0 if one is due. */
    long millisUntilNext(long now, long limit) {
        long wait = limit;
        for (Timer t : timers.values()) {
            if (t.deadline >= 0) {
                wait = Math.min(wait, Math.max(0, t.deadline - now));
            }
        }
        return wait;
    }

    /** Disarms the timers due at {@code now} and fires them; a timer may re-arm itself while it fires. */
    void fireDue(long now, Firing firing) {
        List<Timer> due = new ArrayList<>();
        for (Timer t : timers.values()) {
            if (t.deadline >= 0 && t.deadline <= now) {
                t.deadline = -1;
                due.add(t);
            }
        }
        for (Timer t : due) {
            firing.fire(t.id, t.callbackOpaque);
        }
    }
}
