package io.modvm.net.user;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import io.modvm.api.accel.EventNotifier;

/** The NIC's side of a wait: an eventfd notifier, as the KVM accelerator's kick notifiers are. */
final class KickNotifier implements EventNotifier {
    private final EventFd eventFd = new EventFd();
    private final Memory pollfd = new Memory(Libc.POLLFD_SIZE);
    private final Memory counter = new Memory(8);

    @Override
    public void signal() {
        eventFd.signal();
    }

    @Override
    public long await(long timeoutMillis) {
        pollfd.setInt(0, eventFd.fd());
        pollfd.setShort(4, Libc.POLLIN);
        pollfd.setShort(6, (short) 0);
        try {
            if (Libc.poll(pollfd, 1, (int) timeoutMillis) <= 0) {
                return 0;
            }
            return Libc.read(eventFd.fd(), counter, 8) == 8 ? counter.getLong(0) : 0;
        } catch (LastErrorException e) {
            return 0;
        }
    }

    @Override
    public int fd() {
        return eventFd.fd();
    }

    @Override
    public void close() {
        eventFd.close();
    }
}
