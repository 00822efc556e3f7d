package io.modvm.net.user;

import com.sun.jna.Callback;
import com.sun.jna.Pointer;

/**
 * The C callbacks libslirp calls (its SlirpCb table, the poll-fill and revents callbacks), as JNA callback types.
 * They run on the thread that called into libslirp, under the runtime's lock; none may throw, since an exception
 * cannot cross back into C.
 */
final class SlirpCallbacks {
    private SlirpCallbacks() {
    }

    /** {@code ssize_t send_packet(const void *buf, size_t len, void *opaque)}: a frame for the guest. */
    interface SendPacket extends Callback {
        long invoke(Pointer frame, long length, Pointer opaque);
    }

    /** {@code void guest_error(const char *msg, void *opaque)}. */
    interface GuestError extends Callback {
        void invoke(Pointer message, Pointer opaque);
    }

    /** {@code int64_t clock_get_ns(void *opaque)}. */
    interface ClockGetNs extends Callback {
        long invoke(Pointer opaque);
    }

    /** {@code void timer_free(void *timer, void *opaque)}. */
    interface TimerFree extends Callback {
        void invoke(Pointer timer, Pointer opaque);
    }

    /** {@code void timer_mod(void *timer, int64_t expire_time_ms, void *opaque)}. */
    interface TimerMod extends Callback {
        void invoke(Pointer timer, long expireMillis, Pointer opaque);
    }

    /** {@code void register_poll_fd(int fd, void *opaque)} and its unregister twin. */
    interface PollFd extends Callback {
        void invoke(int fd, Pointer opaque);
    }

    /** {@code void notify(void *opaque)}: new events may be processed. */
    interface Notify extends Callback {
        void invoke(Pointer opaque);
    }

    /** {@code void init_completed(Slirp *slirp, void *opaque)}: called inside slirp_new, before it returns. */
    interface InitCompleted extends Callback {
        void invoke(Pointer slirp, Pointer opaque);
    }

    /** {@code void *timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque)}. */
    interface TimerNewOpaque extends Callback {
        Pointer invoke(int id, Pointer callbackOpaque, Pointer opaque);
    }

    /** {@code int add_poll(int fd, int events, void *opaque)}: returns the index get_revents will be asked for. */
    interface AddPoll extends Callback {
        int invoke(int fd, int events, Pointer opaque);
    }

    /** {@code int get_revents(int idx, void *opaque)}. */
    interface GetRevents extends Callback {
        int invoke(int index, Pointer opaque);
    }
}
