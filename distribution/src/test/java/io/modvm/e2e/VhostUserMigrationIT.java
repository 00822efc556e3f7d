package io.modvm.e2e;

import static io.modvm.e2e.PatternGuest.SEEN;
import static io.modvm.e2e.PatternGuest.awaitListening;
import static io.modvm.e2e.PatternGuest.awaitMigration;
import static io.modvm.e2e.PatternGuest.awaitPassAfter;
import static io.modvm.e2e.PatternGuest.freePort;
import static io.modvm.e2e.PatternGuest.lastPass;
import static io.modvm.e2e.PatternGuest.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live migration of a guest whose virtio-net rings a vhost-user back-end serves, while the host pings it: each
 * modvm process has its own back-end ({@link VhostUserTestBackend}) on its own tap, both taps on one bridge. The
 * source's back-end logs the pages it writes (receive buffers, used rings) into the log modvm shares with it, and
 * the migration sends them again; the guest (guests/virtio_net.c with pattern=) keeps checking a working set of
 * its RAM between polls, and answers pings on the destination afterwards. Numbered datagrams flow too, a thousand a
 * second: those the back-end writes after the vCPUs stopped and before its rings stop are in receive buffers the
 * guest reads only on the destination, where, had their pages not been sent again, it would find older frames
 * ("net: stale frame").
 */
@Timeout(300)
class VhostUserMigrationIT {
    private static final Duration RUN = Duration.ofSeconds(120);
    private static final String MAC = "52:54:00:12:34:57";
    private static final Pattern SEQ = Pattern.compile("bytes from 10\\.0\\.2\\.15: seq=(\\d+)");

    @TempDir
    Path dir;

    @BeforeEach
    void installed() throws Exception {
        DeviceTypes.assertInstalled("virtio-net-pci");
    }

    private static List<String> guest(Path socket, Path qmp) {
        return new ArrayList<>(List.of("-kernel", Guests.build("virtio_net").toString(), "-m", "256",
                "-append", "serve=600000 pattern=4 every=20", "-device", VirtioGuests.DEBUG_EXIT,
                "-chardev", "socket,id=c0,path=" + socket, "-netdev", "vhost-user,id=n0,chardev=c0",
                "-device", "virtio-net-pci,id=net0,netdev=n0,mac=" + MAC, "-qmp", "unix:" + qmp + ",server,nowait"));
    }

    private static ModvmProcess start(NetNamespace ns, List<String> args, String... more) throws Exception {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return ModvmProcess.start(Map.of(), ns.prefix(), all.toArray(String[]::new));
    }

    private NetNamespace.Peer backEnd(NetNamespace ns, Path socket, String tap) throws Exception {
        NetNamespace.Peer b = ns.startJavaOnTestClasspath(VhostUserTestBackend.class, socket.toString(), tap);
        assertTrue(b.awaitOutput("backend: listening", 30), b.output());
        return b;
    }

    private static final Pattern PASS_SEQ = Pattern.compile("pass \\d+ ticks 0 echo \\d+ seq (\\d+) last (\\d+)");

    /** From the guest's last pass line: how many numbered datagrams it took, and the highest number. */
    private static long[] lastSequence(String out) {
        Matcher m = PASS_SEQ.matcher(out);
        long[] last = {0, 0};
        while (m.find()) {
            last = new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
        }
        return last;
    }

    /** The highest sequence number the pinger saw answered, or -1. */
    private static int lastAnswered(NetNamespace.Peer pinger) {
        Matcher m = SEQ.matcher(pinger.output());
        int last = -1;
        while (m.find()) {
            last = Math.max(last, Integer.parseInt(m.group(1)));
        }
        return last;
    }

    @Test
    void aGuestOnVhostUserMovesLiveWhileFramesFlowAndAnswersOnTheDestination() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addBridgedTaps("br0", "10.0.2.1/24", "tap0", "tap1");
            Path srcSocket = dir.resolve("src.sock");
            Path dstSocket = dir.resolve("dst.sock");
            NetNamespace.Peer srcBackEnd = backEnd(ns, srcSocket, "tap0");
            NetNamespace.Peer dstBackEnd = backEnd(ns, dstSocket, "tap1");
            migrateWhileFramesFlow(ns, srcSocket, dstSocket, () -> "source back-end:\n" + srcBackEnd.output()
                    + "\ndestination back-end:\n" + dstBackEnd.output());
            String log = srcBackEnd.output();
            assertTrue(log.contains("backend: rings running"), log);
            assertTrue(log.contains("backend: SET_LOG_BASE size "), log);
            assertTrue(log.contains("backend: LOG_ALL on"), log);
            assertTrue(log.contains("backend: ring 0 logs its used ring at 0x"), log);
            Matcher logged = Pattern.compile("logged (\\d+) page marks").matcher(log);
            assertTrue(logged.find() && Long.parseLong(logged.group(1)) > 0, "the back-end logged no write: " + log);
            assertTrue(dstBackEnd.output().contains("backend: rings running"), dstBackEnd.output());
        }
    }

    /**
     * The same with DPDK's testpmd as each process's back-end (its own tap, both on one bridge): DPDK's vhost library
     * offers VHOST_F_LOG_ALL and LOG_SHMFD and logs into modvm's memfd.
     */
    @Test
    void aGuestMovesLiveBetweenTwoTestpmds() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            Path srcSocket = dir.resolve("src.sock");
            Path dstSocket = dir.resolve("dst.sock");
            NetNamespace.Peer srcBackEnd = Testpmd.start(ns, srcSocket, 1, "dtap0", TESTPMD_PREFIX + "-a");
            NetNamespace.Peer dstBackEnd = Testpmd.start(ns, dstSocket, 1, "dtap1", TESTPMD_PREFIX + "-b");
            ns.run("ip", "link", "add", "br0", "type", "bridge", "ageing_time", "0");
            ns.run("ip", "addr", "add", "10.0.2.1/24", "dev", "br0");
            ns.run("ip", "link", "set", "br0", "up");
            for (String tap : List.of("dtap0", "dtap1")) {
                ns.run("ip", "link", "set", tap, "master", "br0");
                ns.run("ip", "link", "set", tap, "up");
            }
            migrateWhileFramesFlow(ns, srcSocket, dstSocket, () -> "source testpmd:\n" + srcBackEnd.output()
                    + "\ndestination testpmd:\n" + dstBackEnd.output());
            assertTrue(srcBackEnd.output().contains("VHOST_USER_SET_LOG_BASE"), srcBackEnd.output());
        } finally {
            Testpmd.removeRuntimeFiles(TESTPMD_PREFIX + "-a");
            Testpmd.removeRuntimeFiles(TESTPMD_PREFIX + "-b");
        }
    }

    /** testpmd's runtime files go to /var/run/dpdk/PREFIX, removed after the test. */
    private static final String TESTPMD_PREFIX = "modvm-mig-it-" + ProcessHandle.current().pid();

    /**
     * Moves the guest live from a process on {@code srcSocket}'s back-end to one on {@code dstSocket}'s while the
     * host pings it and sends it numbered datagrams; then the destination answers, the guest's working set is
     * intact and no datagram came out of order. {@code backEnds} is what the back-ends printed, for messages.
     */
    private void migrateWhileFramesFlow(NetNamespace ns, Path srcSocket, Path dstSocket, Supplier<String> backEnds)
            throws Exception {
        String uri = "tcp:127.0.0.1:" + freePort();
        Path srcQmp = dir.resolve("src.qmp");
        Path dstQmp = dir.resolve("dst.qmp");
        try (ModvmProcess dst = start(ns, guest(dstSocket, dstQmp), "-incoming", uri);
                QmpTestClient d = QmpTestClient.connect(dstQmp, dst, SEEN);
                ModvmProcess src = start(ns, guest(srcSocket, srcQmp));
                QmpTestClient c = QmpTestClient.connect(srcQmp, src, SEEN)) {
            d.negotiate();
            c.negotiate();
            awaitListening(d);
            src.awaitOutput("net: serving", RUN);
            NetNamespace.Peer pinger = ns.start("busybox", "ping", "-i", "0.05", "-s", "1000", "-w", "240",
                    "10.0.2.15");
            NetNamespace.Peer sender = null;
            try {
                assertTrue(pinger.awaitOutput("seq=", 30), "no answer before the migration: "
                        + pinger.output());
                sender = ns.startJava(UdpSequenceSender.class, "10.0.2.15", "7004", "1");
                assertTrue(sender.awaitOutput("udp sender started", 30), sender.output());
                awaitPassAfter(src, 20);
                c.returned("migrate", Map.of("uri", uri));
                Map<String, Object> info = awaitMigration(c);
                assertEquals("completed", info.get("status"), info + "\nsource stderr:\n" + src.stderr()
                        + "\ndestination stderr:\n" + dst.stderr() + "\n" + backEnds.get());
                assertEquals("postmigrate", status(c));
                int answeredBefore = lastAnswered(pinger);
                long[] last = lastPass(src.stdout());
                awaitPassAfter(dst, last[0] + 20);
                assertEquals("running", status(d));
                long end = System.nanoTime() + RUN.toNanos();
                while (lastAnswered(pinger) < answeredBefore + 20 && System.nanoTime() < end) {
                    Thread.sleep(100);
                }
                assertTrue(lastAnswered(pinger) >= answeredBefore + 20, "the destination did not answer"
                        + " pings: last answered before " + answeredBefore + "\n" + pinger.output()
                        + "\ndestination:\n" + dst.stdout() + "\n" + backEnds.get());
                awaitPassAfter(dst, lastPass(dst.stdout())[0] + 20);
                long[] seqBefore = lastSequence(src.stdout());
                long[] seqAfter = lastSequence(dst.stdout());
                assertTrue(seqBefore[0] > 0 && seqAfter[1] > seqBefore[1], "numbered datagrams did not reach"
                        + " the guest on both sides: source " + seqBefore[0] + " up to " + seqBefore[1]
                        + ", destination up to " + seqAfter[1]);
                String out = src.stdout() + dst.stdout();
                assertFalse(out.contains("stale frame") || out.contains("num_buffers")
                        || out.contains("receive buffer returned"), "the guest read a receive buffer the"
                        + " back-end wrote that the migration did not carry:\n" + dst.stdout()
                        + "\n" + backEnds.get());
            } finally {
                pinger.kill();
                if (sender != null) {
                    sender.kill();
                }
            }
        }
    }
}
