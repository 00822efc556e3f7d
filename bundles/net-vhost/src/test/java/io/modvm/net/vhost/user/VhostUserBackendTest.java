package io.modvm.net.vhost.user;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.backend.Backend;
import io.modvm.api.backend.BackendContext;
import io.modvm.api.backend.UnixSocketAddress;
import io.modvm.api.device.DeviceException;
import io.modvm.api.memory.RamMapping;
import io.modvm.api.net.NetworkBackend;
import io.modvm.api.net.Vring;
import io.modvm.api.net.VringOffload;
import io.modvm.api.net.VringSetup;
import io.modvm.api.net.VringWriteLog;
import io.modvm.net.vhost.rings.Libc;
import io.modvm.net.vhost.testing.VhostUserServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The front-end against a back-end on a real unix socket ({@link VhostUserServer}), which answers as DPDK's does and
 * records every message with the descriptors that came along.
 */
@Timeout(60)
class VhostUserBackendTest {
    private static final long VERSION_1 = 1L << 32;
    private static final long EVENT_IDX = 1L << 29;
    private static final long MRG_RXBUF = 1L << 15;
    private static final long OFFERED = VERSION_1 | EVENT_IDX | MRG_RXBUF | VhostUserRequest.F_PROTOCOL_FEATURES;
    private static final long LOG_ALL = 1L << 26;
    /** MQ, LOG_SHMFD (which modvm takes for migration), REPLY_ACK, NET_MTU. */
    private static final long PROTOCOL = 0b11011;

    @TempDir
    Path dir;

    private VhostUserServer server;
    private Thread serving;
    private final List<String> seen = Collections.synchronizedList(new ArrayList<>());
    private final Semaphore connections = new Semaphore(0);
    private final List<Integer> received = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean acceptAgain = true;
    private volatile long offered = OFFERED;

    @AfterEach
    void stop() throws Exception {
        acceptAgain = false;
        if (server != null) {
            server.close();
        }
        if (serving != null) {
            serving.interrupt();
            serving.join(5000);
        }
        received.forEach(VhostUserServer::closeAll);
    }

    private void serve() throws IOException {
        server = VhostUserServer.listen(dir.resolve("vu.sock"));
        serving = new Thread(() -> {
            try {
                while (acceptAgain) {
                    server.accept();
                    connections.release();
                    VhostUserServer.Message m;
                    while ((m = server.read()) != null) {
                        answer(m);
                    }
                }
            } catch (IOException e) {
                // the test closed the server
            }
        });
        serving.setDaemon(true);
        serving.start();
    }

    private void answer(VhostUserServer.Message m) throws IOException {
        for (int fd : m.fds()) {
            received.add(fd);
        }
        String name = VhostUserRequest.name(m.request());
        switch (m.request()) {
            case VhostUserRequest.GET_FEATURES -> server.replyU64(m.request(), offered);
            case VhostUserRequest.SET_LOG_BASE -> {
                // DPDK answers once it has mapped the log, with no payload.
                seen.add(name + " size " + m.u64(0) + " offset " + m.u64(8) + " fds=" + m.fds().length);
                server.reply(m.request(), ByteBuffer.allocate(0));
                return;
            }
            case VhostUserRequest.GET_PROTOCOL_FEATURES -> server.replyU64(m.request(), PROTOCOL);
            case VhostUserRequest.GET_QUEUE_NUM -> server.replyU64(m.request(), 2);
            case VhostUserRequest.GET_VRING_BASE -> {
                seen.add(name + " " + m.u32(0));
                server.reply(m.request(), ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(0, m.u32(0))
                        .putInt(4, 40 + m.u32(0)));
                return;
            }
            default -> {
            }
        }
        seen.add(describe(name, m));
        server.ack(m);
    }

    /** What the back-end saw, once it has seen {@code count} messages (or after 5 s, to show what it saw). */
    private List<String> awaitSeen(int count) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (seen.size() < count && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        synchronized (seen) {
            return new ArrayList<>(seen);
        }
    }

    private static String describe(String name, VhostUserServer.Message m) {
        String fds = m.fds().length == 0 ? "" : " fds=" + m.fds().length;
        String ack = (m.flags() & VhostUserServer.NEED_REPLY) != 0 ? " ack" : "";
        return switch (m.request()) {
            case VhostUserRequest.SET_FEATURES, VhostUserRequest.SET_PROTOCOL_FEATURES, VhostUserRequest.NET_SET_MTU ->
                    name + " " + Long.toHexString(m.u64()) + ack;
            case VhostUserRequest.SET_VRING_NUM, VhostUserRequest.SET_VRING_BASE, VhostUserRequest.SET_VRING_ENABLE ->
                    name + " " + m.u32(0) + " " + m.u32(4);
            case VhostUserRequest.SET_VRING_ADDR -> name + " " + m.u32(0) + " " + Long.toHexString(m.u64(8)) + " "
                    + Long.toHexString(m.u64(16)) + " " + Long.toHexString(m.u64(24))
                    + ((m.u32(4) & 1) != 0 ? " log " + Long.toHexString(m.u64(32)) : "");
            case VhostUserRequest.SET_VRING_KICK, VhostUserRequest.SET_VRING_CALL, VhostUserRequest.SET_VRING_ERR ->
                    name + " " + Long.toHexString(m.u64()) + fds;
            case VhostUserRequest.SET_MEM_TABLE -> name + " " + m.u32(0) + " gpa " + Long.toHexString(m.u64(8))
                    + " size " + Long.toHexString(m.u64(16)) + " uaddr " + Long.toHexString(m.u64(24)) + " offset "
                    + Long.toHexString(m.u64(32)) + fds + ack;
            default -> name + fds;
        };
    }

    private static final class Chardev implements Backend, UnixSocketAddress {
        private final Path path;

        Chardev(Path path) {
            this.path = path;
        }

        @Override
        public Path path() {
            return path;
        }

        @Override
        public int reconnectSeconds() {
            return 1;
        }

        @Override
        public void close() {
        }
    }

    private static BackendContext context(Backend chardev) {
        return new BackendContext() {
            @Override
            public String backendId() {
                return "n0";
            }

            @Override
            public <B> B backend(String kind, String id, Class<B> type) {
                return type.cast(chardev);
            }

            @Override
            public void requestQuit() {
            }
        };
    }

    private NetworkBackend open(Map<String, String> options) throws DeviceException {
        return (NetworkBackend) new VhostUserFactory().open(context(new Chardev(dir.resolve("vu.sock"))), options);
    }

    @Test
    void aMissingSocketIsOneLineInQemuWordsAndSaysWhatToDo() {
        DeviceException e = assertThrows(DeviceException.class, () -> open(Map.of("chardev", "c0")));
        assertEquals("vhost-user n0: Failed to connect to '" + dir.resolve("vu.sock") + "': No such file or "
                + "directory; start the vhost-user back-end first, listening on that path", e.getMessage());
    }

    @Test
    void aChardevModvmListensOnIsRefused() {
        Backend console = () -> { };
        DeviceException e = assertThrows(DeviceException.class,
                () -> new VhostUserFactory().open(context(console), Map.of("chardev", "c0")));
        assertTrue(e.getMessage().startsWith("vhost-user n0: chardev 'c0' is not a socket modvm connects to"),
                e.getMessage());
    }

    @Test
    void theSessionOpensAsQemuOpensIt() throws Exception {
        serve();
        try (NetworkBackend b = open(Map.of("chardev", "c0", "queues", "2"))) {
            assertTrue(b.linkUp());
            assertEquals(2, b.queuePairs());
            VringOffload offload = b.offload().orElseThrow();
            assertEquals(OFFERED, offload.features());
            assertEquals(List.of("GET_FEATURES", "GET_PROTOCOL_FEATURES", "SET_PROTOCOL_FEATURES 1b", "GET_QUEUE_NUM",
                    "SET_OWNER"), awaitSeen(5));
        }
    }

    @Test
    void moreQueuePairsThanTheBackEndServesAreRefused() throws Exception {
        serve();
        DeviceException e = assertThrows(DeviceException.class, () -> open(Map.of("chardev", "c0", "queues", "4")));
        assertEquals("vhost-user n0: queues=4 but the back-end serves 2 queue pair(s); give queues=2 or start the "
                + "back-end with more", e.getMessage());
    }

    private static VringSetup setup(int memFd, int[] fds) {
        return new VringSetup(VERSION_1 | EVENT_IDX | (1L << 16), List.of(new RamMapping(0, 0x100000,
                0x7f00_0000_0000L, memFd, 0)), List.of(new Vring(0, 256, 0x1000, 0x2000, 0x3000, 5, fds[0], fds[1]),
                        new Vring(1, 256, 0x5000, 0x6000, 0x7000, 7, fds[2], -1)), 1, 1400);
    }

    @Test
    void startSendsTheRingsWithTheirDescriptorsAndStopTakesTheBasesBack() throws Exception {
        serve();
        int[] fds = {Libc.eventfd(0, 0), Libc.eventfd(0, 0), Libc.eventfd(0, 0), Libc.eventfd(0, 0)};
        try (NetworkBackend b = open(Map.of("chardev", "c0"))) {
            VringOffload offload = b.offload().orElseThrow();
            // SET_OWNER has no reply: wait until the back-end saw the session's opening before forgetting it.
            awaitSeen(5);
            seen.clear();
            offload.start(setup(fds[3], fds));
            assertEquals(List.of("SET_FEATURES 160000000",
                    "SET_MEM_TABLE 1 gpa 0 size 100000 uaddr 7f0000000000 offset 0 fds=1 ack",
                    "SET_VRING_NUM 0 256", "SET_VRING_BASE 0 5", "SET_VRING_ADDR 0 7f0000001000 7f0000003000 "
                            + "7f0000002000", "SET_VRING_KICK 0 fds=1", "SET_VRING_CALL 0 fds=1",
                    "SET_VRING_NUM 1 256", "SET_VRING_BASE 1 7", "SET_VRING_ADDR 1 7f0000005000 7f0000007000 "
                            + "7f0000006000", "SET_VRING_KICK 1 fds=1", "SET_VRING_CALL 101",
                    "NET_SET_MTU 578 ack", "SET_VRING_ERR 0 fds=1", "SET_VRING_ERR 1 fds=1",
                    "SET_VRING_ENABLE 0 1", "SET_VRING_ENABLE 1 1"), awaitSeen(17));
            seen.clear();
            b.activeQueuePairs(1);
            offload.callChanged(1, fds[1]);
            assertEquals(List.of("SET_VRING_ENABLE 0 1", "SET_VRING_ENABLE 1 1", "SET_VRING_CALL 1 fds=1"),
                    awaitSeen(3));
            seen.clear();
            assertArrayEquals(new int[] {40, 41}, offload.stop());
            assertEquals(List.of("SET_VRING_ENABLE 0 0", "SET_VRING_ENABLE 1 0", "GET_VRING_BASE 0",
                    "GET_VRING_BASE 1"), awaitSeen(4));
            assertArrayEquals(new int[0], offload.stop(), "a second stop has nothing to stop");
        } finally {
            VhostUserServer.closeAll(fds);
        }
    }

    @Test
    void aBackEndThatHangsUpTakesTheLinkDownAndComingBackBringsItUp() throws Exception {
        serve();
        int[] fds = {Libc.eventfd(0, 0), Libc.eventfd(0, 0), Libc.eventfd(0, 0), Libc.eventfd(0, 0)};
        Semaphore changes = new Semaphore(0);
        try (NetworkBackend b = open(Map.of("chardev", "c0"))) {
            assertTrue(connections.tryAcquire(5, TimeUnit.SECONDS));
            b.onLinkChange(changes::release);
            VringOffload offload = b.offload().orElseThrow();
            offload.start(setup(fds[3], fds));
            server.hangUp();
            assertTrue(changes.tryAcquire(10, TimeUnit.SECONDS), "the link change was not reported");
            assertFalse(b.linkUp());
            assertTrue(b.describe().endsWith("connected=no"), b.describe());
            assertArrayEquals(new int[] {-1, -1}, offload.stop(), "a back-end that is gone cannot say");
            assertThrows(IOException.class, () -> offload.start(setup(fds[3], fds)));
            assertTrue(connections.tryAcquire(10, TimeUnit.SECONDS), "modvm did not connect again");
            assertTrue(changes.tryAcquire(10, TimeUnit.SECONDS), "the link coming back was not reported");
            assertTrue(b.linkUp());
            seen.clear();
            offload.start(setup(fds[3], fds));
            assertTrue(awaitSeen(17).contains("SET_VRING_BASE 0 5"), seen.toString());
        } finally {
            VhostUserServer.closeAll(fds);
        }
    }

    @Test
    void aBackEndWithoutLogAllCannotLogAndSoBlocksMigration() throws Exception {
        serve();
        try (NetworkBackend b = open(Map.of("chardev", "c0"))) {
            VringOffload offload = b.offload().orElseThrow();
            assertFalse(offload.logsWrites());
            IOException e = assertThrows(IOException.class, () -> offload.startWriteLog(1L << 20));
            assertEquals("vhost-user cannot log its writes to guest RAM", e.getMessage());
        }
    }

    @Test
    void loggingSharesTheLogThenTurnsLogAllOnForTheRunningRingsAndOffAtTheEnd() throws Exception {
        offered = OFFERED | LOG_ALL;
        serve();
        int[] fds = {Libc.eventfd(0, 0), Libc.eventfd(0, 0), Libc.eventfd(0, 0), Libc.eventfd(0, 0)};
        try (NetworkBackend b = open(Map.of("chardev", "c0"))) {
            VringOffload offload = b.offload().orElseThrow();
            assertTrue(offload.logsWrites());
            offload.start(setup(fds[3], fds));
            awaitSeen(22);
            seen.clear();
            try (VringWriteLog log = offload.startWriteLog(0x100000)) {
                assertEquals(List.of("SET_LOG_BASE size 4096 offset 0 fds=1", "SET_FEATURES 164000000",
                        "SET_VRING_ADDR 0 7f0000001000 7f0000003000 7f0000002000 log 3000",
                        "SET_VRING_ADDR 1 7f0000005000 7f0000007000 7f0000006000 log 7000"), awaitSeen(4));
                assertArrayEquals(new long[4], log.fetch(), "nothing written yet");
                seen.clear();
                assertArrayEquals(new int[] {40, 41}, offload.stop());
                awaitSeen(4);
                seen.clear();
                offload.start(setup(fds[3], fds));
                List<String> restart = awaitSeen(17);
                assertEquals("SET_LOG_BASE size 4096 offset 0 fds=1", restart.get(0), restart.toString());
                assertEquals("SET_FEATURES 164000000", restart.get(1), restart.toString());
                assertTrue(restart.contains("SET_VRING_ADDR 0 7f0000001000 7f0000003000 7f0000002000 log 3000"),
                        restart.toString());
                seen.clear();
            }
            assertEquals(List.of("SET_FEATURES 160000000",
                    "SET_VRING_ADDR 0 7f0000001000 7f0000003000 7f0000002000",
                    "SET_VRING_ADDR 1 7f0000005000 7f0000007000 7f0000006000"), awaitSeen(3));
        } finally {
            VhostUserServer.closeAll(fds);
        }
    }
}
