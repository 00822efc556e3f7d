package io.modvm.net.user;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.modvm.api.device.DeviceException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One libslirp stack: the guest's network (its DHCP and DNS servers, the gateway to the host), fed the guest's
 * frames with {@link #input}, its frames for the guest put in a {@link FrameQueue}, its host forwards listening.
 * A {@link SlirpPollLoop} drives its sockets and timers through {@link #fill}, {@link #dispatch} and
 * {@link #fireTimers}. Every call into libslirp, and every callback libslirp makes, happens under the runtime's lock.
 */
final class SlirpStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SlirpStack.class);
    /** The longest frame libslirp emits: its largest MTU (65521) and the Ethernet header, rounded up. */
    private static final int MAX_FRAME = 65_536;
    private static final int EADDRINUSE = 98;
    private static final int EADDRNOTAVAIL = 99;
    private static final int EACCES = 13;

    private final String name;
    private final SlirpRuntime runtime;
    private final ReentrantLock lock;
    private final FrameQueue toGuest;
    private final SlirpTimers timers = new SlirpTimers();
    private final EventFd loopWake = new EventFd();
    private final List<Memory> forwardAddresses = new ArrayList<>();
    private final List<Integer> forwardFlags = new ArrayList<>();
    // The callbacks, held so that the collector keeps their native trampolines while libslirp may call them.
    private final SlirpCallbacks.SendPacket sendPacket = this::sendPacket;
    private final SlirpCallbacks.GuestError guestError = this::guestError;
    private final SlirpCallbacks.ClockGetNs clock = opaque -> clockNanos();
    private final SlirpCallbacks.TimerNewOpaque timerNew = (id, callbackOpaque, opaque) -> timers.create(id,
            callbackOpaque);
    private final SlirpCallbacks.TimerFree timerFree = (timer, opaque) -> timers.free(timer);
    private final SlirpCallbacks.TimerMod timerMod = (timer, deadline, opaque) -> timers.modify(timer, deadline);
    private final SlirpCallbacks.PollFd pollFd = (fd, opaque) -> { };
    private final SlirpCallbacks.Notify notify = opaque -> loopWake.signal();
    private final SlirpCallbacks.InitCompleted initCompleted = (created, opaque) -> slirp = created;
    private final SlirpConfigBlock config;
    private final SlirpCallbackTable callbacks;
    private Pointer slirp;
    private boolean closed;

    private SlirpStack(String name, SlirpRuntime runtime, UserConfig userConfig, FrameQueue toGuest) {
        this.name = name;
        this.runtime = runtime;
        this.lock = runtime.lock();
        this.toGuest = toGuest;
        this.config = new SlirpConfigBlock(userConfig);
        this.callbacks = new SlirpCallbackTable(sendPacket, guestError, clock, timerNew, timerFree, timerMod, pollFd,
                notify, initCompleted);
    }

    /**
     * Creates the stack and sets up its host forwards.
     *
     * @param name how messages name it ({@code user u0})
     * @throws DeviceException if a forward's host port cannot be bound, in QEMU's words and with what to do
     */
    static SlirpStack open(String name, SlirpRuntime runtime, UserConfig userConfig, FrameQueue toGuest)
            throws DeviceException {
        SlirpStack stack = new SlirpStack(name, runtime, userConfig, toGuest);
        stack.lock.lock();
        try {
            Pointer created = SlirpLib.slirp_new(stack.config.pointer(), stack.callbacks.pointer(), null);
            if (created == null) {
                throw new DeviceException(name + ": libslirp refused the configuration (slirp_new failed)");
            }
            stack.slirp = created;
            for (HostForward forward : userConfig.forwards()) {
                stack.forward(forward, userConfig.guestAddress(forward));
            }
        } catch (DeviceException | RuntimeException e) {
            stack.closeLocked();
            stack.release();
            throw e;
        } finally {
            stack.lock.unlock();
        }
        return stack;
    }

    private void forward(HostForward forward, int guestAddress) throws DeviceException {
        Memory host = SockaddrIn.of(forward.hostAddress(), forward.hostPort());
        Memory guest = SockaddrIn.of(guestAddress, forward.guestPort());
        int flags = forward.udp() ? SlirpLib.HOSTFWD_UDP : 0;
        if (SlirpLib.slirp_add_hostxfwd(slirp, host, SockaddrIn.SIZE, guest, SockaddrIn.SIZE, flags) < 0) {
            int errno = Native.getLastError();
            throw new DeviceException(name + ": Could not set up host forwarding rule '" + forward.rule() + "': "
                    + why(forward, errno));
        }
        forwardAddresses.add(host);
        forwardFlags.add(flags);
    }

    private static String why(HostForward forward, int errno) {
        String what = (forward.udp() ? "udp" : "tcp") + " port " + forward.hostPort()
                + (forward.hostAddress() == 0 ? "" : " on " + Ipv4.format(forward.hostAddress()));
        return switch (errno) {
            case EADDRINUSE -> "host " + what + " is in use; give a free hostport, or stop what listens on it";
            case EACCES -> "binding host " + what + " was refused (ports below 1024 need root); give a hostport "
                    + "of 1024 or more";
            case EADDRNOTAVAIL -> Ipv4.format(forward.hostAddress()) + " is not an address of this host; give one "
                    + "of its addresses, such as 127.0.0.1, or leave hostaddr empty";
            default -> "host " + what + " cannot be bound (errno " + errno + "); give another hostport";
        };
    }

    /** Gives libslirp one frame from the guest, and wakes the loop for the sockets the frame may have opened. */
    void input(Pointer frame, int length) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            SlirpLib.slirp_input(slirp, frame, length);
        } finally {
            lock.unlock();
        }
        loopWake.signal();
    }

    /** The descriptor that wakes the loop from its poll: a frame came in, libslirp asked, or the stack closes. */
    EventFd loopWake() {
        return loopWake;
    }

    /**
     * slirp_pollfds_fill: hands each socket to poll to {@code addPoll}, and lowers {@code timeout} (a uint32 of ms)
     * to what libslirp's and the stack's timers allow. Returns false once the stack is closed.
     */
    boolean fill(Memory timeout, SlirpCallbacks.AddPoll addPoll) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            long limit = Integer.toUnsignedLong(timeout.getInt(0));
            timeout.setInt(0, (int) timers.millisUntilNext(clockNanos() / 1_000_000, limit));
            SlirpLib.slirp_pollfds_fill(slirp, timeout, addPoll, null);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** slirp_pollfds_poll: lets libslirp read, write and accept on the sockets poll found ready, then the timers. */
    void dispatch(boolean pollFailed, SlirpCallbacks.GetRevents revents) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            SlirpLib.slirp_pollfds_poll(slirp, pollFailed ? 1 : 0, revents, null);
            timers.fireDue(clockNanos() / 1_000_000, (id, opaque) -> SlirpLib.slirp_handle_timer(slirp, id, opaque));
        } finally {
            lock.unlock();
        }
    }

    private long clockNanos() {
        return runtime.nanos();
    }

    private long sendPacket(Pointer frame, long length, Pointer opaque) {
        try {
            if (length <= 0 || length > MAX_FRAME) {
                return length;
            }
            byte[] bytes = frame.getByteArray(0, (int) length);
            if (!toGuest.offer(bytes)) {
                LOG.debug("{}: a frame for the guest was dropped: {} wait already", name, FrameQueue.CAPACITY);
            }
            return length;
        } catch (RuntimeException e) {
            LOG.error("{}: a frame for the guest was lost", name, e);
            return -1;
        }
    }

    private void guestError(Pointer message, Pointer opaque) {
        try {
            LOG.debug("{}: guest error: {}", name, message == null ? "" : message.getString(0));
        } catch (RuntimeException e) {
            LOG.debug("{}: guest error with an unreadable message", name);
        }
    }

    /** Removes the host forwards (their listening sockets close), then frees the stack. Safe to call twice. */
    @Override
    public void close() {
        lock.lock();
        try {
            closeLocked();
        } finally {
            lock.unlock();
        }
        loopWake.signal();
    }

    private void closeLocked() {
        if (closed) {
            return;
        }
        closed = true;
        if (slirp != null) {
            for (int i = 0; i < forwardAddresses.size(); i++) {
                SlirpLib.slirp_remove_hostxfwd(slirp, forwardAddresses.get(i), SockaddrIn.SIZE, forwardFlags.get(i));
            }
            SlirpLib.slirp_cleanup(slirp);
            slirp = null;
        }
    }

    /** Closes the loop's wake-up descriptor; after the loop has stopped. */
    void release() {
        loopWake.close();
    }
}
