package io.modvm.e2e;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.modvm.net.vhost.rings.LogBitmap;
import io.modvm.net.vhost.testing.VhostUserServer;
import io.modvm.virtio.queue.ChainReader;
import io.modvm.virtio.queue.ChainWriter;
import io.modvm.virtio.queue.DescriptorChain;
import io.modvm.virtio.queue.QueueConfig;
import io.modvm.virtio.queue.SplitVirtqueue;
import io.modvm.virtio.queue.VirtqueueException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A small vhost-user net back-end, as a process of its own: it listens on a socket, takes modvm's rings and guest
 * RAM (mapped from the memfd that comes with SET_MEM_TABLE), and forwards frames between the guest's rings and a tap
 * of the test's network namespace, one queue pair, no offloads. It speaks the protocol as DPDK does: the protocol
 * features, rings enabled by SET_VRING_ENABLE, GET_VRING_BASE stopping a ring. For migration it offers
 * VHOST_F_LOG_ALL and the LOG_SHMFD protocol feature: it maps the log of SET_LOG_BASE and, while LOG_ALL is
 * acknowledged, marks every page it writes (receive buffers, used rings). Prints what it does, each line starting
 * with "backend:".
 *
 * <p>Usage: {@code VhostUserTestBackend SOCKET TAP [nolog]}; {@code nolog} offers neither LOG_ALL nor LOG_SHMFD, as a
 * back-end that cannot follow a migration.
 */
public final class VhostUserTestBackend {
    static {
        Native.register("c");
    }

    private static native int open(String path, int flags) throws LastErrorException;

    private static native int ioctl(int fd, long request, Pointer arg) throws LastErrorException;

    private static native long read(int fd, Pointer buffer, long length) throws LastErrorException;

    private static native long write(int fd, Pointer buffer, long length) throws LastErrorException;

    private static native int poll(Pointer fds, long count, int timeout) throws LastErrorException;

    private static final long VERSION_1 = 1L << 32;
    private static final long PROTOCOL_FEATURES = 1L << 30;
    private static final long EVENT_IDX = 1L << 29;
    private static final long INDIRECT = 1L << 28;
    private static final long LOG_ALL = 1L << 26;
    private static final long FEATURES = VERSION_1 | PROTOCOL_FEATURES | EVENT_IDX | INDIRECT;
    /** MQ, RARP and REPLY_ACK. */
    private static final long PROTOCOL = 0b1101;
    private static final long LOG_SHMFD = 0b10;
    private static final int HEADER = 12;

    private final VhostUserServer server;
    private final int tap;
    private final boolean logs;
    /** The front-end's dirty log (SET_LOG_BASE), or null. */
    private LogBitmap log;
    private MappedGuestMemory memory = new MappedGuestMemory();
    private long negotiated;
    private final Ring[] rings = {new Ring(), new Ring()};
    private volatile Thread datapath;
    private volatile boolean running;
    /** A receive buffer taken from the ring for the next frame of the tap. */
    private DescriptorChain waiting;
    private long txFrames;
    private long rxFrames;

    private static final class Ring {
        int size;
        long desc;
        long used;
        long avail;
        int base;
        int kick = -1;
        int call = -1;
        boolean enabled;
        SplitVirtqueue queue;
    }

    private VhostUserTestBackend(VhostUserServer server, int tap, boolean logs) {
        this.server = server;
        this.tap = tap;
        this.logs = logs;
    }

    public static void main(String[] args) throws Exception {
        Path socket = Path.of(args[0]);
        int tap = openTap(args[1]);
        try (VhostUserServer server = VhostUserServer.listen(socket)) {
            System.out.println("backend: listening on " + socket);
            boolean logs = !(args.length > 2 && args[2].equals("nolog"));
            VhostUserTestBackend b = new VhostUserTestBackend(server, tap, logs);
            while (true) {
                server.accept();
                System.out.println("backend: front-end connected");
                b.serve();
                b.stopDatapath();
                System.out.println("backend: front-end gone; tx " + b.txFrames + " rx " + b.rxFrames);
            }
        }
    }

    /** Opens the namespace's tap: IFF_TAP | IFF_NO_PI, non-blocking; frames without the virtio-net header. */
    private static int openTap(String name) {
        int fd = open("/dev/net/tun", 2 | 0x800 | 0x80000);
        try (Memory ifr = new Memory(40)) {
            ifr.clear();
            byte[] n = name.getBytes(StandardCharsets.US_ASCII);
            ifr.write(0, n, 0, n.length);
            ifr.setShort(16, (short) (0x0002 | 0x1000));
            ioctl(fd, 0x400454caL, ifr);
        }
        return fd;
    }

    private void serve() throws IOException {
        VhostUserServer.Message m;
        while ((m = server.read()) != null) {
            handle(m);
        }
    }

    private void handle(VhostUserServer.Message m) throws IOException {
        int request = m.request();
        switch (request) {
            case 1 -> server.replyU64(request, logs ? FEATURES | LOG_ALL : FEATURES);
            case 2 -> setFeatures(m.u64());
            case 6 -> {
                log = MappedGuestMemory.mapLog(m.fds()[0], m.u64(0), m.u64(8));
                System.out.println("backend: SET_LOG_BASE size " + m.u64(0) + " offset " + m.u64(8));
                logging();
                server.reply(request, ByteBuffer.allocate(0));
            }
            case 15 -> server.replyU64(request, logs ? PROTOCOL | LOG_SHMFD : PROTOCOL);
            case 17 -> server.replyU64(request, 1);
            case 5 -> setMemTable(m);
            case 8 -> ring(m).size = m.u32(4);
            case 9 -> {
                Ring r = ring(m);
                r.desc = m.u64(8);
                r.used = m.u64(16);
                r.avail = m.u64(24);
                if ((m.u32(4) & 1) != 0) {
                    System.out.println("backend: ring " + m.u32(0) + " logs its used ring at 0x"
                            + Long.toHexString(m.u64(32)));
                }
            }
            case 10 -> ring(m).base = m.u32(4);
            case 11 -> {
                stopDatapath();
                Ring r = ring(m);
                int base = r.queue != null ? r.queue.nextAvailIndex() : r.base;
                r.queue = null;
                r.enabled = false;
                System.out.println("backend: ring " + m.u32(0) + " stopped at " + base + "; tx " + txFrames + " rx "
                        + rxFrames);
                if (log != null) {
                    System.out.println("backend: logged " + memory.marks() + " page marks");
                }
                server.reply(request, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(0, m.u32(0))
                        .putInt(4, base));
            }
            case 12 -> ring(m).kick = m.fds().length > 0 ? m.fds()[0] : -1;
            case 13 -> ring(m).call = m.fds().length > 0 ? m.fds()[0] : -1;
            case 18 -> {
                ring(m).enabled = m.u32(4) != 0;
                maybeStart();
            }
            case 19 -> {
                StringBuilder mac = new StringBuilder();
                for (int i = 0; i < 6; i++) {
                    mac.append(i > 0 ? ":" : "").append(String.format("%02x", m.payload().get(i) & 0xff));
                }
                System.out.println("backend: SEND_RARP " + mac);
            }
            default -> {
                // SET_OWNER, SET_PROTOCOL_FEATURES, SET_VRING_ERR, NET_SET_MTU: nothing to do here
            }
        }
        server.ack(m);
    }

    /** SET_FEATURES: with VHOST_F_LOG_ALL, every write goes to the log too (also while the rings run). */
    private void setFeatures(long features) {
        if (((features ^ negotiated) & LOG_ALL) != 0) {
            System.out.println("backend: LOG_ALL " + ((features & LOG_ALL) != 0 ? "on" : "off"));
        }
        negotiated = features;
        logging();
    }

    private void logging() {
        memory.logTo((negotiated & LOG_ALL) != 0 ? log : null);
    }

    private Ring ring(VhostUserServer.Message m) {
        return rings[(int) (m.u64() & 0xFF) & 1];
    }

    private void setMemTable(VhostUserServer.Message m) {
        stopDatapath();
        memory.close();
        memory = new MappedGuestMemory();
        logging();
        int n = m.u32(0);
        for (int i = 0; i < n; i++) {
            int at = 8 + 32 * i;
            memory.add(m.u64(at), m.u64(at + 8), m.u64(at + 16), m.u64(at + 24), m.fds()[i]);
        }
        System.out.println("backend: guest memory in " + n + " region(s)");
    }

    private void maybeStart() {
        for (Ring r : rings) {
            if (!r.enabled || r.kick < 0 || r.desc == 0) {
                return;
            }
        }
        stopDatapath();
        boolean eventIdx = (negotiated & EVENT_IDX) != 0;
        boolean indirect = (negotiated & INDIRECT) != 0;
        try {
            for (Ring r : rings) {
                r.queue = SplitVirtqueue.create(memory, new QueueConfig(r.size, memory.guestOf(r.desc),
                        memory.guestOf(r.avail), memory.guestOf(r.used), eventIdx, indirect));
                r.queue.restore(r.base, r.base);
            }
        } catch (VirtqueueException e) {
            System.out.println("backend: rings refused: " + e.getMessage());
            return;
        }
        waiting = null;
        dropQueued();
        running = true;
        Thread t = new Thread(this::forward, "backend datapath");
        t.setDaemon(true);
        datapath = t;
        t.start();
        System.out.println("backend: rings running from " + rings[0].base + "/" + rings[1].base);
    }

    /**
     * Drops the frames the tap queued while no ring ran, as a NIC without buffers drops them: a destination's
     * back-end would otherwise hand the guest, after a migration, frames older than those it had on the source.
     */
    private void dropQueued() {
        int dropped = 0;
        try (Memory buffer = new Memory(65536)) {
            while (read(tap, buffer, buffer.size()) > 0) {
                dropped++;
            }
        } catch (LastErrorException e) {
            // EAGAIN: the queue is empty
        }
        if (dropped > 0) {
            System.out.println("backend: dropped " + dropped + " frame(s) queued while no ring ran");
        }
    }

    private void stopDatapath() {
        running = false;
        Thread t = datapath;
        datapath = null;
        if (t != null) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Moves frames both ways until stopped: the guest's transmitq to the tap, the tap to the receiveq. */
    private void forward() {
        byte[] frame = new byte[65536];
        Memory buffer = new Memory(frame.length);
        Memory pollfds = new Memory(24);
        Memory counter = new Memory(8);
        byte[] header = new byte[HEADER];
        header[10] = 1;
        try {
            while (running) {
                pollfds.clear();
                pollfds.setInt(0, tap);
                pollfds.setShort(4, (short) 1);
                pollfds.setInt(8, rings[0].kick);
                pollfds.setShort(12, (short) 1);
                pollfds.setInt(16, rings[1].kick);
                pollfds.setShort(20, (short) 1);
                poll(pollfds, 3, 20);
                for (int k = 1; k <= 2; k++) {
                    if ((pollfds.getShort(8L * k + 6) & 1) != 0) {
                        read(rings[k - 1].kick, counter, 8);
                    }
                }
                transmit(frame, buffer);
                receive(frame, buffer, header);
            }
        } catch (VirtqueueException | LastErrorException e) {
            System.out.println("backend: datapath stopped: " + e.getMessage());
        }
    }

    private void transmit(byte[] frame, Memory buffer) throws VirtqueueException {
        SplitVirtqueue q = rings[1].queue;
        boolean any = false;
        Optional<DescriptorChain> c;
        while ((c = q.pop()).isPresent()) {
            DescriptorChain chain = c.get();
            ChainReader reader = new ChainReader(memory, chain);
            int n = (int) Math.min(frame.length, reader.remaining());
            byte[] bytes = new byte[n];
            reader.readFully(bytes);
            if (n > HEADER) {
                buffer.write(0, bytes, HEADER, n - HEADER);
                try {
                    write(tap, buffer, n - HEADER);
                    txFrames++;
                } catch (LastErrorException e) {
                    // a full tap drops the frame, as a NIC would
                }
            }
            q.push(chain.head(), 0);
            any = true;
        }
        if (any) {
            notifyGuest(1, q);
        }
    }

    /** Frames from the tap into the guest's receive buffers; a buffer taken before a frame came waits for one. */
    private void receive(byte[] frame, Memory buffer, byte[] header) throws VirtqueueException {
        SplitVirtqueue q = rings[0].queue;
        boolean any = false;
        while (true) {
            if (waiting == null) {
                Optional<DescriptorChain> c = q.pop();
                if (c.isEmpty()) {
                    break;
                }
                waiting = c.get();
            }
            long n;
            try {
                n = read(tap, buffer, frame.length);
            } catch (LastErrorException e) {
                break;
            }
            if (n <= 0) {
                break;
            }
            DescriptorChain chain = waiting;
            waiting = null;
            if (chain.writableLength() < HEADER + n) {
                q.push(chain.head(), 0);
                any = true;
                continue;
            }
            buffer.read(0, frame, 0, (int) n);
            ChainWriter writer = new ChainWriter(memory, chain);
            writer.write(header, 0, HEADER);
            writer.write(frame, 0, (int) n);
            q.push(chain.head(), HEADER + n);
            rxFrames++;
            any = true;
        }
        if (any) {
            notifyGuest(0, q);
        }
    }

    private void notifyGuest(int index, SplitVirtqueue q) throws VirtqueueException {
        int call = rings[index].call;
        if (q.needsNotification() && call >= 0) {
            try (Memory one = new Memory(8)) {
                one.setLong(0, 1);
                write(call, one, 8);
            }
        }
    }
}
