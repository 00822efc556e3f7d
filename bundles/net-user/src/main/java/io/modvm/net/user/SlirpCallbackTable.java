package io.modvm.net.user;

import com.sun.jna.CallbackReference;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * libslirp's {@code SlirpCb} (the fields of SlirpConfig version 4) in native memory: the function pointers of the
 * callbacks a stack gives. timer_new is left NULL, since timer_new_opaque replaces it. The callback objects must
 * stay reachable while libslirp may call them; the stack that builds the table holds them.
 */
final class SlirpCallbackTable {
    private static final int SEND_PACKET = 0;
    private static final int GUEST_ERROR = 8;
    private static final int CLOCK_GET_NS = 16;
    private static final int TIMER_FREE = 32;
    private static final int TIMER_MOD = 40;
    private static final int REGISTER_POLL_FD = 48;
    private static final int UNREGISTER_POLL_FD = 56;
    private static final int NOTIFY = 64;
    private static final int INIT_COMPLETED = 72;
    private static final int TIMER_NEW_OPAQUE = 80;
    static final int SIZE = 88;

    private final Memory table = new Memory(SIZE);

    SlirpCallbackTable(SlirpCallbacks.SendPacket sendPacket, SlirpCallbacks.GuestError guestError,
            SlirpCallbacks.ClockGetNs clock, SlirpCallbacks.TimerNewOpaque timerNew, SlirpCallbacks.TimerFree timerFree,
            SlirpCallbacks.TimerMod timerMod, SlirpCallbacks.PollFd pollFd, SlirpCallbacks.Notify notify,
            SlirpCallbacks.InitCompleted initCompleted) {
        table.clear();
        table.setPointer(SEND_PACKET, CallbackReference.getFunctionPointer(sendPacket));
        table.setPointer(GUEST_ERROR, CallbackReference.getFunctionPointer(guestError));
        table.setPointer(CLOCK_GET_NS, CallbackReference.getFunctionPointer(clock));
        table.setPointer(TIMER_FREE, CallbackReference.getFunctionPointer(timerFree));
        table.setPointer(TIMER_MOD, CallbackReference.getFunctionPointer(timerMod));
        // Unix needs no registration of a socket before it is polled: both are one no-op.
        table.setPointer(REGISTER_POLL_FD, CallbackReference.getFunctionPointer(pollFd));
        table.setPointer(UNREGISTER_POLL_FD, CallbackReference.getFunctionPointer(pollFd));
        table.setPointer(NOTIFY, CallbackReference.getFunctionPointer(notify));
        table.setPointer(INIT_COMPLETED, CallbackReference.getFunctionPointer(initCompleted));
        table.setPointer(TIMER_NEW_OPAQUE, CallbackReference.getFunctionPointer(timerNew));
    }

    Pointer pointer() {
        return table;
    }
}
