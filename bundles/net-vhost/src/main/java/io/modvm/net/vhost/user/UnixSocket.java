package io.modvm.net.vhost.user;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import io.modvm.net.vhost.rings.Libc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A connected unix stream socket, through libc rather than a Java channel: vhost-user passes file descriptors with
 * its messages (SCM_RIGHTS), which Java's channels cannot send.
 */
final class UnixSocket implements AutoCloseable {
    /** sizeof(struct sockaddr_un): the family and 108 bytes of path. */
    private static final int SOCKADDR_UN_SIZE = 110;
    private static final int PATH_MAX = 107;
    /** struct msghdr on x86-64. */
    private static final int MSGHDR_SIZE = 56;
    /** struct cmsghdr: size_t length, int level, int type. */
    private static final int CMSG_HEADER = 16;
    static final int MAX_FDS = 16;

    private final int fd;
    private final Path path;
    private volatile boolean closed;

    private UnixSocket(int fd, Path path) {
        this.fd = fd;
        this.path = path;
    }

    /**
     * Connects to {@code path}.
     *
     * @throws IOException in QEMU's words: {@code Failed to connect to 'PATH': No such file or directory}
     */
    static UnixSocket connect(Path path) throws IOException {
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        if (name.length > PATH_MAX) {
            throw new IOException("Failed to connect to '" + path + "': the path is longer than " + PATH_MAX
                    + " bytes");
        }
        int fd;
        try {
            fd = Libc.socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new IOException("cannot make a unix socket: " + Libc.describe(e.getErrorCode()), e);
        }
        try (Memory address = new Memory(SOCKADDR_UN_SIZE)) {
            address.clear();
            address.setShort(0, (short) Libc.AF_UNIX);
            address.write(2, name, 0, name.length);
            Libc.connect(fd, address, SOCKADDR_UN_SIZE);
            return new UnixSocket(fd, path);
        } catch (LastErrorException e) {
            Libc.closeQuietly(fd);
            throw new IOException("Failed to connect to '" + path + "': " + Libc.describe(e.getErrorCode()), e);
        }
    }

    int fd() {
        return fd;
    }

    Path path() {
        return path;
    }

    /** Sends all of {@code data}, with {@code fds} riding on its first byte. */
    void send(byte[] data, int[] fds) throws IOException {
        if (fds.length > MAX_FDS) {
            throw new IllegalArgumentException(fds.length + " descriptors in one message");
        }
        int sent = 0;
        try (Memory buffer = new Memory(Math.max(1, data.length)); Memory iov = new Memory(16);
                Memory header = new Memory(MSGHDR_SIZE);
                Memory control = new Memory(CMSG_HEADER + 4L * MAX_FDS)) {
            buffer.write(0, data, 0, data.length);
            while (sent < data.length || (sent == 0 && data.length == 0)) {
                iov.setPointer(0, buffer.share(sent));
                iov.setLong(8, data.length - sent);
                header.clear();
                header.setPointer(16, iov);
                header.setLong(24, 1);
                if (sent == 0 && fds.length > 0) {
                    long length = CMSG_HEADER + 4L * fds.length;
                    control.clear();
                    control.setLong(0, length);
                    control.setInt(8, Libc.SOL_SOCKET);
                    control.setInt(12, Libc.SCM_RIGHTS);
                    for (int i = 0; i < fds.length; i++) {
                        control.setInt(CMSG_HEADER + 4L * i, fds[i]);
                    }
                    header.setPointer(32, control);
                    header.setLong(40, (length + 7) & ~7L);
                }
                long n = Libc.sendmsg(fd, header, Libc.MSG_NOSIGNAL);
                sent += (int) n;
                if (data.length == 0) {
                    break;
                }
            }
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Libc.EINTR) {
                throw new IOException("interrupted while sending to '" + path + "'", e);
            }
            throw new IOException("sending to '" + path + "' failed: " + Libc.describe(e.getErrorCode()), e);
        }
    }

    /** Reads exactly {@code length} bytes, waiting at most {@code timeoutMillis} for each part. */
    byte[] receive(int length, long timeoutMillis) throws IOException {
        byte[] out = new byte[length];
        int got = 0;
        try (Memory buffer = new Memory(Math.max(1, length)); Memory pollfd = new Memory(8)) {
            while (got < length) {
                pollfd.setInt(0, fd);
                pollfd.setShort(4, Libc.POLLIN);
                pollfd.setShort(6, (short) 0);
                if (Libc.poll(pollfd, 1, (int) timeoutMillis) == 0) {
                    throw new IOException("'" + path + "' did not answer within " + timeoutMillis + " ms");
                }
                long n = Libc.recv(fd, buffer.share(got), length - got, 0);
                if (n == 0) {
                    throw new IOException("'" + path + "' closed the connection");
                }
                got += (int) n;
            }
            buffer.read(0, out, 0, length);
            return out;
        } catch (LastErrorException e) {
            throw new IOException("reading from '" + path + "' failed: " + Libc.describe(e.getErrorCode()), e);
        }
    }

    /**
     * Waits up to {@code timeoutMillis} for the peer to hang up; true if it did. Bytes waiting to be read do not
     * count: the peer only ever sends replies, which their requester reads.
     */
    boolean awaitHangUp(int timeoutMillis) {
        if (closed) {
            return true;
        }
        try (Memory pollfd = new Memory(8)) {
            pollfd.setInt(0, fd);
            pollfd.setShort(4, Libc.POLLRDHUP);
            pollfd.setShort(6, (short) 0);
            Libc.poll(pollfd, 1, timeoutMillis);
            return (pollfd.getShort(6) & (Libc.POLLRDHUP | Libc.POLLHUP | Libc.POLLERR)) != 0;
        } catch (LastErrorException e) {
            return e.getErrorCode() != Libc.EINTR;
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.closeQuietly(fd);
        }
    }
}
