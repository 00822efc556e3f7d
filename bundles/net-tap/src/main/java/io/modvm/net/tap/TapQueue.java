package io.modvm.net.tap;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.modvm.api.accel.EventNotifier;
import io.modvm.api.net.NetworkQueue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One queue of a tap: a non-blocking file descriptor from which each read is one frame and to which each write is
 * one frame. A frame moves with one readv or writev straight between the tap and the buffers given, which are views
 * of guest RAM: no copy in between. A buffer outside native memory (a test's heap buffer) goes through a bounce
 * buffer.
 *
 * <p>This runs once per frame, so the iovec arrays are direct buffers written from Java, and readv and writev take
 * their address as a number: the only native call besides the system call is the one that finds each buffer's
 * address, and not even that for a buffer passed again with the next frame (see {@link DirectAddresses}). (Through
 * JNA's {@code Memory} and {@code Pointer} arguments it was four per buffer, a third of a small frame's time.)
 */
final class TapQueue implements NetworkQueue {
    /** The most buffers one frame may span: a 64 KiB TSO frame in 4 KiB pages, its header, and some to spare. */
    private static final int MAX_IOV = 64;
    private static final int IOV_SIZE = 16;
    /** Buffers whose address each direction remembers: a frame's own buffers plus the few a NIC reuses. */
    private static final int REMEMBERED = 4;
    /** The largest frame a tap hands over: 64 KiB of payload and the virtio-net header. */
    private static final int MAX_FRAME = 65_536 + 64;

    private final int fd;
    private final ByteBuffer sendIov = iovecs();
    private final long sendIovAddress = address(sendIov);
    private final ByteBuffer receiveIov = iovecs();
    private final DirectAddresses sendAddresses = new DirectAddresses(TapQueue::address, REMEMBERED);
    private final DirectAddresses receiveAddresses = new DirectAddresses(TapQueue::address, REMEMBERED);
    private final long receiveIovAddress = address(receiveIov);
    private final Memory sendPoll = new Memory(16);
    private final Memory receivePoll = new Memory(16);
    private ByteBuffer sendBounce;
    private ByteBuffer receiveBounce;
    /** Catches the rest of a frame longer than the buffers, which the tap would otherwise cut off unseen. */
    private final ByteBuffer overflow = ByteBuffer.allocateDirect(MAX_FRAME);
    private final long overflowAddress = address(overflow);

    TapQueue(int fd) {
        this.fd = fd;
    }

    int fd() {
        return fd;
    }

    @Override
    public boolean send(ByteBuffer[] buffers) throws IOException {
        if (buffers.length > MAX_IOV || !allDirect(buffers)) {
            return sendBounced(buffers);
        }
        for (int i = 0; i < buffers.length; i++) {
            describe(sendIov, i, buffers[i], sendAddresses);
        }
        try {
            TunLib.writev(fd, sendIovAddress, buffers.length);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == TunLib.EAGAIN) {
                return false;
            }
            throw new IOException("tap write failed: " + Errno.describe(e.getErrorCode()), e);
        }
    }

    private boolean sendBounced(ByteBuffer[] buffers) throws IOException {
        if (sendBounce == null) {
            sendBounce = ByteBuffer.allocateDirect(MAX_FRAME);
        }
        sendBounce.clear();
        for (ByteBuffer b : buffers) {
            if (b.remaining() > sendBounce.remaining()) {
                throw new IOException("frame longer than " + MAX_FRAME + " bytes");
            }
            sendBounce.put(b.duplicate());
        }
        sendBounce.flip();
        return send(new ByteBuffer[] {sendBounce});
    }

    @Override
    public int receive(ByteBuffer[] buffers) throws IOException {
        if (buffers.length >= MAX_IOV || !allDirect(buffers)) {
            return receiveBounced(buffers);
        }
        long room = 0;
        for (int i = 0; i < buffers.length; i++) {
            describe(receiveIov, i, buffers[i], receiveAddresses);
            room += buffers[i].remaining();
        }
        describe(receiveIov, buffers.length, overflowAddress, MAX_FRAME);
        long n;
        try {
            n = TunLib.readv(fd, receiveIovAddress, buffers.length + 1);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == TunLib.EAGAIN || e.getErrorCode() == TunLib.EINTR) {
                return 0;
            }
            throw new IOException("tap read failed: " + Errno.describe(e.getErrorCode()), e);
        }
        return n > room ? (int) -n : (int) n;
    }

    private int receiveBounced(ByteBuffer[] buffers) throws IOException {
        if (receiveBounce == null) {
            receiveBounce = ByteBuffer.allocateDirect(MAX_FRAME);
        }
        receiveBounce.clear().limit(MAX_FRAME);
        int n = receive(new ByteBuffer[] {receiveBounce});
        if (n <= 0) {
            return n;
        }
        long room = 0;
        for (ByteBuffer b : buffers) {
            room += b.remaining();
        }
        if (n > room) {
            return -n;
        }
        receiveBounce.limit(n);
        for (ByteBuffer b : buffers) {
            ByteBuffer into = b.duplicate();
            int take = Math.min(into.remaining(), receiveBounce.remaining());
            into.put(receiveBounce.slice().limit(take));
            receiveBounce.position(receiveBounce.position() + take);
        }
        return n;
    }

    @Override
    public boolean awaitReceivable(EventNotifier wake, long timeoutMillis) {
        return await(receivePoll, TunLib.POLLIN, wake, timeoutMillis);
    }

    @Override
    public boolean awaitWritable(EventNotifier wake, long timeoutMillis) {
        return await(sendPoll, TunLib.POLLOUT, wake, timeoutMillis);
    }

    /** Polls the tap for {@code events} and {@code wake}'s descriptor; a wake-up is taken off the notifier. */
    private boolean await(Memory pollfds, short events, EventNotifier wake, long timeoutMillis) {
        int wakeFd = wake.fd();
        pollfds.setInt(0, fd);
        pollfds.setShort(4, events);
        pollfds.setShort(6, (short) 0);
        pollfds.setInt(8, wakeFd);
        pollfds.setShort(12, TunLib.POLLIN);
        pollfds.setShort(14, (short) 0);
        // Without a descriptor to poll, the notifier is looked at between short polls of the tap.
        int timeout = (int) Math.min(Integer.MAX_VALUE, wakeFd < 0 ? Math.min(timeoutMillis, 10) : timeoutMillis);
        try {
            TunLib.poll(pollfds, wakeFd < 0 ? 1 : 2, timeout);
        } catch (LastErrorException e) {
            return false;
        }
        if (wakeFd < 0 || pollfds.getShort(14) != 0) {
            wake.await(0);
        }
        return (pollfds.getShort(6) & events) != 0;
    }

    private static boolean allDirect(ByteBuffer[] buffers) {
        for (ByteBuffer b : buffers) {
            if (!b.isDirect()) {
                return false;
            }
        }
        return true;
    }

    /** Writes iovec {@code index}: the address of {@code b}'s position and its remaining bytes. */
    private static void describe(ByteBuffer iov, int index, ByteBuffer b, DirectAddresses addresses) {
        describe(iov, index, addresses.of(b) + b.position(), b.remaining());
    }

    private static void describe(ByteBuffer iov, int index, long address, long length) {
        iov.putLong(index * IOV_SIZE, address);
        iov.putLong(index * IOV_SIZE + 8, length);
    }

    /** The native address of a direct buffer's first byte. */
    private static long address(ByteBuffer direct) {
        return Pointer.nativeValue(Native.getDirectBufferPointer(direct));
    }

    /** Room for MAX_IOV struct iovec, in the host's byte order. */
    private static ByteBuffer iovecs() {
        return ByteBuffer.allocateDirect(MAX_IOV * IOV_SIZE).order(ByteOrder.nativeOrder());
    }
}
