package io.modvm.net.vhost.user;

import static io.modvm.net.vhost.user.VhostUserRequest.FLAG_NEED_REPLY;
import static io.modvm.net.vhost.user.VhostUserRequest.FLAG_REPLY;
import static io.modvm.net.vhost.user.VhostUserRequest.FLAG_VERSION;
import static io.modvm.net.vhost.user.VhostUserRequest.HEADER_SIZE;

import io.modvm.api.memory.RamMapping;
import io.modvm.net.vhost.rings.VhostDevice;
import io.modvm.net.vhost.rings.VhostLog;
import io.modvm.net.vhost.rings.VhostStructs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

/**
 * One connection to a vhost-user back-end, modvm being the front-end: each request is a message on the socket,
 * with descriptors riding along (SCM_RIGHTS); requests that have a reply wait for it. One request at a time.
 */
final class VhostUserClient implements VhostDevice, AutoCloseable {
    private static final long REPLY_TIMEOUT_MILLIS = 10_000;
    /** The largest payload a reply of unknown size may have: a memory table of the most regions. */
    private static final int MAX_PAYLOAD = 4096;

    private final UnixSocket socket;
    private long features;
    private long protocolFeatures;
    private int queueNum = 1;

    private VhostUserClient(UnixSocket socket) {
        this.socket = socket;
    }

    /**
     * Connects to the back-end at {@code path} and opens the session as QEMU does: GET_FEATURES, the protocol
     * features both sides speak, GET_QUEUE_NUM with multiqueue, SET_OWNER.
     */
    static VhostUserClient connect(Path path) throws IOException {
        VhostUserClient c = new VhostUserClient(UnixSocket.connect(path));
        try {
            c.features = c.features();
            if ((c.features & VhostUserRequest.F_PROTOCOL_FEATURES) != 0) {
                long theirs = c.getU64(VhostUserRequest.GET_PROTOCOL_FEATURES);
                c.protocolFeatures = theirs & VhostUserRequest.PROTOCOL_OURS;
                c.send(VhostUserRequest.SET_PROTOCOL_FEATURES, u64(c.protocolFeatures), new int[0], false);
            }
            if (c.hasProtocol(VhostUserRequest.PROTOCOL_MQ)) {
                c.queueNum = (int) Math.min(Integer.MAX_VALUE, c.getU64(VhostUserRequest.GET_QUEUE_NUM));
            }
            c.send(VhostUserRequest.SET_OWNER, ByteBuffer.allocate(0), new int[0], false);
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** The feature bits the back-end offered at connection. */
    long offeredFeatures() {
        return features;
    }

    boolean hasProtocol(int bit) {
        return (protocolFeatures & (1L << bit)) != 0;
    }

    boolean protocolFeaturesNegotiated() {
        return (features & VhostUserRequest.F_PROTOCOL_FEATURES) != 0;
    }

    /** The most queues the back-end serves (GET_QUEUE_NUM; 1 without multiqueue). */
    int queueNum() {
        return queueNum;
    }

    UnixSocket socket() {
        return socket;
    }

    private static ByteBuffer u64(long value) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value);
    }

    /**
     * Sends {@code request}. With {@code ack} and REPLY_ACK negotiated it asks for the back-end's answer and fails
     * if that is not success.
     */
    synchronized void send(int request, ByteBuffer payload, int[] fds, boolean ack) throws IOException {
        boolean needReply = ack && hasProtocol(VhostUserRequest.PROTOCOL_REPLY_ACK);
        socket.send(message(request, FLAG_VERSION | (needReply ? FLAG_NEED_REPLY : 0), payload), fds);
        if (needReply) {
            long status = reply(request, 8).getLong(0);
            if (status != 0) {
                throw new IOException("vhost-user back-end '" + socket.path() + "' refused "
                        + VhostUserRequest.name(request) + " (status " + status + ")");
            }
        }
    }

    /** Sends {@code request} and returns its reply's payload of {@code size} bytes. */
    synchronized ByteBuffer call(int request, ByteBuffer payload, int size) throws IOException {
        socket.send(message(request, FLAG_VERSION, payload), new int[0]);
        return reply(request, size);
    }

    private long getU64(int request) throws IOException {
        return call(request, ByteBuffer.allocate(0), 8).getLong(0);
    }

    static byte[] message(int request, int flags, ByteBuffer payload) {
        ByteBuffer p = payload.duplicate();
        ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE + p.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(request).putInt(flags).putInt(p.remaining()).put(p);
        return b.array();
    }

    /** A reply of {@code size} bytes, or of any size (up to a message's) with -1. */
    private ByteBuffer reply(int request, int size) throws IOException {
        ByteBuffer header = ByteBuffer.wrap(socket.receive(HEADER_SIZE, REPLY_TIMEOUT_MILLIS))
                .order(ByteOrder.LITTLE_ENDIAN);
        int got = header.getInt(0);
        int flags = header.getInt(4);
        int length = header.getInt(8);
        if (size < 0 && got == request && (flags & FLAG_REPLY) != 0 && length >= 0 && length <= MAX_PAYLOAD) {
            size = length;
        }
        if (got != request || (flags & FLAG_REPLY) == 0 || length != size) {
            throw new IOException("vhost-user back-end '" + socket.path() + "' answered "
                    + VhostUserRequest.name(request) + " with " + VhostUserRequest.name(got) + ", flags 0x"
                    + Integer.toHexString(flags) + ", " + length + " bytes; expected a reply of " + size + " bytes");
        }
        return ByteBuffer.wrap(socket.receive(size, REPLY_TIMEOUT_MILLIS)).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public long features() throws IOException {
        return getU64(VhostUserRequest.GET_FEATURES);
    }

    @Override
    public void setFeatures(long acknowledged) throws IOException {
        send(VhostUserRequest.SET_FEATURES, u64(acknowledged), new int[0], false);
    }

    @Override
    public void setMemTable(List<RamMapping> memory) throws IOException {
        if (memory.size() > VhostUserRequest.MAX_REGIONS) {
            throw new IOException("guest RAM is in " + memory.size() + " pieces; vhost-user takes at most "
                    + VhostUserRequest.MAX_REGIONS);
        }
        int[] fds = memory.stream().mapToInt(RamMapping::fd).toArray();
        send(VhostUserRequest.SET_MEM_TABLE, VhostStructs.memoryTable(memory, true), fds, true);
    }

    @Override
    public void setVringNum(int index, int size) throws IOException {
        send(VhostUserRequest.SET_VRING_NUM, VhostStructs.vringState(index, size), new int[0], false);
    }

    @Override
    public void setVringAddr(int index, long desc, long used, long avail, long logUsed) throws IOException {
        send(VhostUserRequest.SET_VRING_ADDR, VhostStructs.vringAddr(index, desc, used, avail, logUsed), new int[0],
                false);
    }

    /**
     * SET_LOG_BASE with the log's memfd, which the back-end maps from offset 0; with LOG_SHMFD the back-end
     * answers once it has mapped it (DPDK's answer has no payload, so any size is taken), and only then may
     * logging begin.
     */
    @Override
    public void setLogBase(VhostLog log) throws IOException {
        if (!hasProtocol(VhostUserRequest.PROTOCOL_LOG_SHMFD)) {
            throw new IOException("the vhost-user back-end '" + socket.path() + "' cannot take a shared log"
                    + " (no LOG_SHMFD protocol feature)");
        }
        synchronized (this) {
            socket.send(message(VhostUserRequest.SET_LOG_BASE, FLAG_VERSION, VhostStructs.log(log.size())),
                    new int[] {log.fd()});
            reply(VhostUserRequest.SET_LOG_BASE, -1);
        }
    }

    @Override
    public void setVringBase(int index, int base) throws IOException {
        send(VhostUserRequest.SET_VRING_BASE, VhostStructs.vringState(index, base), new int[0], false);
    }

    @Override
    public int vringBase(int index) throws IOException {
        return VhostStructs.stateNum(call(VhostUserRequest.GET_VRING_BASE, VhostStructs.vringState(index, 0),
                VhostStructs.VRING_STATE_SIZE));
    }

    @Override
    public void setVringKick(int index, int fd) throws IOException {
        sendRingFd(VhostUserRequest.SET_VRING_KICK, index, fd);
    }

    @Override
    public void setVringCall(int index, int fd) throws IOException {
        sendRingFd(VhostUserRequest.SET_VRING_CALL, index, fd);
    }

    /** SET_VRING_ERR: the back-end signals {@code fd} when it meets an error on ring {@code index}. */
    void setVringErr(int index, int fd) throws IOException {
        sendRingFd(VhostUserRequest.SET_VRING_ERR, index, fd);
    }

    private void sendRingFd(int request, int index, int fd) throws IOException {
        send(request, u64((index & 0xFF) | (fd < 0 ? VhostUserRequest.VRING_NOFD : 0)),
                fd < 0 ? new int[0] : new int[] {fd}, false);
    }

    /** SET_VRING_ENABLE, which a back-end that took the protocol features waits for before it serves a ring. */
    void setVringEnable(int index, boolean enable) throws IOException {
        send(VhostUserRequest.SET_VRING_ENABLE, VhostStructs.vringState(index, enable ? 1 : 0), new int[0], false);
    }

    /** NET_SET_MTU, when the back-end took the NET_MTU protocol feature. */
    void setMtu(int mtu) throws IOException {
        send(VhostUserRequest.NET_SET_MTU, u64(mtu), new int[0], true);
    }

    @Override
    public void close() {
        socket.close();
    }
}
