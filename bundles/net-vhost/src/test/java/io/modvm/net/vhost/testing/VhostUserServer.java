package io.modvm.net.vhost.testing;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The back-end side of a vhost-user socket, for tests: listens on a path, accepts the front-end, and reads its
 * messages with the descriptors that came along (SCM_RIGHTS), as a real back-end does; writes replies.
 */
public final class VhostUserServer implements AutoCloseable {
    static {
        Native.register("c");
    }

    private static native int socket(int domain, int type, int protocol) throws LastErrorException;

    private static native int bind(int fd, Pointer address, int length) throws LastErrorException;

    private static native int listen(int fd, int backlog) throws LastErrorException;

    private static native int accept(int fd, Pointer address, Pointer length) throws LastErrorException;

    private static native long recvmsg(int fd, Pointer message, int flags) throws LastErrorException;

    private static native long send(int fd, Pointer buffer, long length, int flags) throws LastErrorException;

    private static native int close(int fd) throws LastErrorException;

    private static native int shutdown(int fd, int how) throws LastErrorException;

    public static final int REPLY = 0x5;
    public static final int NEED_REPLY = 0x8;

    /** One message from the front-end. */
    public record Message(int request, int flags, ByteBuffer payload, int[] fds) {
        public long u64() {
            return payload.getLong(0);
        }

        public int u32(int offset) {
            return payload.getInt(offset);
        }

        public long u64(int offset) {
            return payload.getLong(offset);
        }
    }

    private final Path path;
    private final int listening;
    private volatile int connection = -1;

    private VhostUserServer(Path path, int listening) {
        this.path = path;
        this.listening = listening;
    }

    public static VhostUserServer listen(Path path) throws IOException {
        Files.deleteIfExists(path);
        int fd = socket(1, 1 | 0x80000, 0);
        try (Memory address = new Memory(110)) {
            address.clear();
            address.setShort(0, (short) 1);
            byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
            address.write(2, name, 0, name.length);
            bind(fd, address, 110);
            listen(fd, 4);
        } catch (LastErrorException e) {
            close(fd);
            throw new IOException("cannot listen on " + path + ": errno " + e.getErrorCode(), e);
        }
        return new VhostUserServer(path, fd);
    }

    public Path path() {
        return path;
    }

    /** Waits for the front-end to connect; a connection before replaces it. */
    public void accept() throws IOException {
        try {
            int fd = accept(listening, null, null);
            hangUp();
            connection = fd;
        } catch (LastErrorException e) {
            throw new IOException("accept failed: errno " + e.getErrorCode(), e);
        }
    }

    /** The next message, or null once the front-end hung up. */
    public Message read() throws IOException {
        byte[] header = new byte[12];
        List<Integer> fds = new ArrayList<>();
        if (!readFully(header, fds)) {
            return null;
        }
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        int size = h.getInt(8);
        byte[] payload = new byte[size];
        if (size > 0 && !readFully(payload, fds)) {
            return null;
        }
        return new Message(h.getInt(0), h.getInt(4), ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN),
                fds.stream().mapToInt(Integer::intValue).toArray());
    }

    private boolean readFully(byte[] into, List<Integer> fds) throws IOException {
        int got = 0;
        try (Memory buffer = new Memory(into.length); Memory iov = new Memory(16); Memory header = new Memory(56);
                Memory control = new Memory(256)) {
            while (got < into.length) {
                iov.setPointer(0, buffer.share(got));
                iov.setLong(8, into.length - got);
                header.clear();
                control.clear();
                header.setPointer(16, iov);
                header.setLong(24, 1);
                header.setPointer(32, control);
                header.setLong(40, 256);
                long n = recvmsg(connection, header, 0x40000000);
                if (n <= 0) {
                    return false;
                }
                long controlLength = header.getLong(40);
                if (controlLength >= 16 && control.getInt(8) == 1 && control.getInt(12) == 1) {
                    long length = control.getLong(0);
                    for (long at = 16; at + 4 <= length; at += 4) {
                        fds.add(control.getInt(at));
                    }
                }
                got += (int) n;
            }
            buffer.read(0, into, 0, into.length);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == 104 || e.getErrorCode() == 9) {
                return false;
            }
            throw new IOException("recvmsg failed: errno " + e.getErrorCode(), e);
        }
    }

    /** Replies to {@code request} with {@code payload}. */
    public void reply(int request, ByteBuffer payload) throws IOException {
        ByteBuffer p = payload.duplicate();
        ByteBuffer b = ByteBuffer.allocate(12 + p.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(request).putInt(REPLY).putInt(p.remaining()).put(p);
        byte[] bytes = b.array();
        try (Memory m = new Memory(bytes.length)) {
            m.write(0, bytes, 0, bytes.length);
            send(connection, m, bytes.length, 0x4000);
        } catch (LastErrorException e) {
            throw new IOException("send failed: errno " + e.getErrorCode(), e);
        }
    }

    public void replyU64(int request, long value) throws IOException {
        reply(request, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value));
    }

    /** Answers a message that asked for an answer (NEED_REPLY) with success. */
    public void ack(Message m) throws IOException {
        if ((m.flags() & NEED_REPLY) != 0) {
            replyU64(m.request(), 0);
        }
    }

    /** Drops the front-end's connection, as a back-end that dies does. */
    public void hangUp() {
        int fd = connection;
        connection = -1;
        if (fd >= 0) {
            try {
                shutdown(fd, 2);
                close(fd);
            } catch (LastErrorException ignored) {
                // already gone
            }
        }
    }

    /** Closes descriptors that came with messages. */
    public static void closeAll(int... fds) {
        for (int fd : fds) {
            try {
                close(fd);
            } catch (LastErrorException ignored) {
                // already closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        hangUp();
        try {
            close(listening);
        } catch (LastErrorException ignored) {
            // already closed
        }
        Files.deleteIfExists(path);
    }
}
