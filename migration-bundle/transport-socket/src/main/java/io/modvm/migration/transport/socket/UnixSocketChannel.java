package io.modvm.migration.transport.socket;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.modvm.api.migration.MigrationChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A connected unix stream socket as a migration channel, through libc: every read is a {@code recvmsg} with room
 * for descriptors, so that descriptors riding on bytes the reader buffered ahead are kept (a plain read would make
 * the kernel close them) and wait in a queue for {@link #takeDescriptors}.
 */
final class UnixSocketChannel implements MigrationChannel {
    /** struct msghdr on x86-64, and its fields' offsets. */
    private static final int MSGHDR_SIZE = 56;
    private static final int MSG_IOV = 16;
    private static final int MSG_IOVLEN = 24;
    private static final int MSG_CONTROL = 32;
    private static final int MSG_CONTROLLEN = 40;
    private static final int MSG_FLAGS = 48;
    /** struct cmsghdr: size_t length, int level, int type, then the data. */
    private static final int CMSG_HEADER = 16;
    /** Descriptors one message carries at most, in each direction. */
    static final int MAX_FDS = 16;
    private static final int CONTROL_SIZE = CMSG_HEADER + 4 * MAX_FDS;
    private static final int BUFFER = 1 << 20;

    private final int fd;
    private final String description;
    private final Deque<Integer> received = new ArrayDeque<>();
    private final Memory readBuffer = new Memory(BUFFER);
    private final Memory readHeader = new Memory(MSGHDR_SIZE);
    private final Memory readIov = new Memory(16);
    private final Memory readControl = new Memory(CONTROL_SIZE);
    private final Memory writeBuffer = new Memory(BUFFER);
    private final Memory writeHeader = new Memory(MSGHDR_SIZE);
    private final Memory writeIov = new Memory(16);
    private final Memory writeControl = new Memory(CONTROL_SIZE);
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();

    private final InputStream in = ChunkStreams.input(this::receive);
    private final OutputStream out = ChunkStreams.output((b, off, len) -> send(b, off, len, null));

    UnixSocketChannel(int fd, String description) {
        this.fd = fd;
        this.description = description;
    }

    @Override
    public OutputStream output() {
        return out;
    }

    @Override
    public InputStream input() {
        return in;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public boolean passesDescriptors() {
        return true;
    }

    @Override
    public void writeWithDescriptors(byte[] data, int[] fds) throws IOException {
        if (fds.length > MAX_FDS) {
            throw new IOException(fds.length + " descriptors in one message (at most " + MAX_FDS + ")");
        }
        if (data.length == 0) {
            throw new IOException("descriptors must ride on at least one byte");
        }
        send(data, 0, data.length, fds);
    }

    @Override
    public int[] takeDescriptors(int count) throws IOException {
        synchronized (received) {
            if (received.size() < count) {
                throw new IOException(description + ": " + count + " descriptors expected, " + received.size()
                        + " arrived");
            }
            int[] out = new int[count];
            for (int i = 0; i < count; i++) {
                out[i] = received.removeFirst();
            }
            return out;
        }
    }

    /** Sends all of {@code b[off, off + len)}, with {@code fds} (if any) on its first part. */
    private synchronized void send(byte[] b, int off, int len, int[] fds) throws IOException {
        int sent = 0;
        while (sent < len) {
            int part = Math.min(len - sent, BUFFER);
            writeBuffer.write(0, b, off + sent, part);
            writeIov.setPointer(0, writeBuffer);
            writeIov.setLong(8, part);
            writeHeader.clear();
            writeHeader.setPointer(MSG_IOV, writeIov);
            writeHeader.setLong(MSG_IOVLEN, 1);
            if (sent == 0 && fds != null && fds.length > 0) {
                long length = CMSG_HEADER + 4L * fds.length;
                writeControl.clear();
                writeControl.setLong(0, length);
                writeControl.setInt(8, Libc.SOL_SOCKET);
                writeControl.setInt(12, Libc.SCM_RIGHTS);
                for (int i = 0; i < fds.length; i++) {
                    writeControl.setInt(CMSG_HEADER + 4L * i, fds[i]);
                }
                writeHeader.setPointer(MSG_CONTROL, writeControl);
                writeHeader.setLong(MSG_CONTROLLEN, (length + 7) & ~7L);
            }
            try {
                sent += (int) Libc.sendmsg(fd, writeHeader, Libc.MSG_NOSIGNAL);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == Libc.EINTR && !closed) {
                    continue;
                }
                throw failure("sending", e);
            }
            // the descriptors went with the first bytes sent; whatever is left goes without them
            fds = null;
        }
    }

    /** One {@code recvmsg}: its bytes into {@code b}, its descriptors into the queue. Returns -1 at the end. */
    private int receive(byte[] b, int off, int len) throws IOException {
        synchronized (readBuffer) {
            int want = Math.min(len, BUFFER);
            long n;
            while (true) {
                readIov.setPointer(0, readBuffer);
                readIov.setLong(8, want);
                readHeader.clear();
                readHeader.setPointer(MSG_IOV, readIov);
                readHeader.setLong(MSG_IOVLEN, 1);
                readHeader.setPointer(MSG_CONTROL, readControl);
                readHeader.setLong(MSG_CONTROLLEN, CONTROL_SIZE);
                try {
                    n = Libc.recvmsg(fd, readHeader, Libc.MSG_CMSG_CLOEXEC);
                    break;
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == Libc.EINTR && !closed) {
                        continue;
                    }
                    throw failure("reading", e);
                }
            }
            keepDescriptors(readHeader.getLong(MSG_CONTROLLEN));
            if ((readHeader.getInt(MSG_FLAGS) & Libc.MSG_CTRUNC) != 0) {
                throw new IOException(description + ": more descriptors arrived than one message may carry");
            }
            if (n == 0) {
                if (closed) {
                    throw new IOException(description + ": closed");
                }
                return -1;
            }
            readBuffer.read(0, b, off, (int) n);
            return (int) n;
        }
    }

    private void keepDescriptors(long controlLength) {
        long at = 0;
        while (at + CMSG_HEADER <= controlLength) {
            long length = readControl.getLong(at);
            if (length < CMSG_HEADER || at + length > controlLength) {
                break;
            }
            if (readControl.getInt(at + 8) == Libc.SOL_SOCKET && readControl.getInt(at + 12) == Libc.SCM_RIGHTS) {
                synchronized (received) {
                    for (long i = CMSG_HEADER; i + 4 <= length; i += 4) {
                        received.addLast(readControl.getInt(at + i));
                    }
                }
            }
            at += (length + 7) & ~7L;
        }
    }

    private IOException failure(String doing, LastErrorException e) {
        if (closed) {
            return new IOException(description + ": closed");
        }
        return new IOException(doing + " '" + description + "' failed: " + Libc.describe(e.getErrorCode()), e);
    }

    /** Wakes a thread blocked on the socket (shutdown), then closes it and any descriptor nobody took. */
    @Override
    public void close() {
        // A cancel on the monitor's thread and the migration's own clean-up may close at once: only one may close
        // the descriptor, or the second could close a number the process has reused meanwhile.
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        closed = true;
        try {
            Libc.shutdown(fd, Libc.SHUT_RDWR);
        } catch (LastErrorException e) {
            // not connected any more: nothing blocks on it
        }
        synchronized (readBuffer) {
            synchronized (this) {
                Libc.closeQuietly(fd);
            }
        }
        synchronized (received) {
            received.forEach(Libc::closeQuietly);
            received.clear();
        }
    }
}
