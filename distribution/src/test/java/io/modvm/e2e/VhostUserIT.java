package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -netdev vhost-user}: virtio-net's data queues served by another process, which maps guest RAM from the
 * memfd modvm passes and forwards frames to a tap of the test's network namespace; modvm's own threads move no
 * frame. First against a small back-end of the test sources ({@link VhostUserTestBackend}), then against DPDK's
 * testpmd where it is installed. Everything runs inside the namespace.
 */
@Timeout(240)
class VhostUserIT {
    private static final Duration RUN = Duration.ofSeconds(120);
    private static final String MAC = "52:54:00:12:34:56";

    @TempDir
    Path dir;

    @BeforeEach
    void installed() throws Exception {
        DeviceTypes.assertInstalled("virtio-net-pci");
    }

    private static List<String> guest(Path socket, String append, String... more) {
        List<String> args = new ArrayList<>(List.of("-kernel", Guests.build("virtio_net").toString(), "-m", "256",
                "-append", append, "-device", VirtioGuests.DEBUG_EXIT, "-chardev", "socket,id=c0,path=" + socket,
                "-netdev", "vhost-user,id=n0,chardev=c0", "-device",
                "virtio-net-pci,id=net0,netdev=n0,mac=" + MAC));
        args.addAll(List.of(more));
        return args;
    }

    private static ModvmProcess start(NetNamespace ns, List<String> args) throws Exception {
        return ModvmProcess.start(Map.of(), ns.prefix(), args.toArray(String[]::new));
    }

    private NetNamespace.Peer backEnd(NetNamespace ns, Path socket) throws Exception {
        NetNamespace.Peer b = ns.startJavaOnTestClasspath(VhostUserTestBackend.class, socket.toString(), "tap0");
        assertTrue(b.awaitOutput("backend: listening", 30), b.output());
        return b;
    }

    @Test
    void theGuestAndTheHostPingEachOtherThroughTheBackEnd() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            Path socket = dir.resolve("vu.sock");
            NetNamespace.Peer backEnd = backEnd(ns, socket);
            Path qmp = dir.resolve("qmp.sock");
            try (ModvmProcess p = start(ns, guest(socket, "ping=10 serve=8000", "-qmp",
                    "unix:" + qmp + ",server,nowait"));
                    QmpTestClient c = QmpTestClient.connect(qmp, p, RUN)) {
                c.negotiate();
                p.awaitOutput("net: serving", RUN);
                String info = (String) c.returned("human-monitor-command", Map.of("command-line", "info network"));
                assertTrue(info.contains("type=vhost-user,chardev=c0,path=" + socket + ",connected=yes"), info);
                assertTrue(info.contains("datapath=vhost-user"), info);
                String ping = ns.run("busybox", "ping", "-c", "3", "-W", "5", "10.0.2.15");
                assertTrue(ping.contains("3 packets received"), ping);
                // The back-end moves the frames, so it is asked to send the announcement itself.
                assertEquals("", c.returned("human-monitor-command", Map.of("command-line", "announce_self")));
                assertTrue(backEnd.awaitOutput("backend: SEND_RARP " + MAC, 10), backEnd.output());
                assertEquals(Guests.status(0), p.waitFor(RUN), p.stdout() + "\n" + p.stderr());
                String out = p.stdout();
                assertTrue(out.contains("net: ping replies 10/10"), out + "\nback-end:\n" + backEnd.output());
            }
            assertTrue(backEnd.awaitOutput("front-end gone", 10), backEnd.output());
            Matcher m = Pattern.compile("front-end gone; tx (\\d+) rx (\\d+)").matcher(backEnd.output());
            assertTrue(m.find(), backEnd.output());
            assertTrue(Integer.parseInt(m.group(1)) >= 13, "frames the back-end sent to the tap: " + m.group(1));
            assertTrue(Integer.parseInt(m.group(2)) >= 13, "frames the back-end gave the guest: " + m.group(2));
        }
    }

    /**
     * The back-end dies mid-run: the guest sees its link go down and goes on; the back-end comes back on the same
     * path: modvm connects again, the link comes up, and the rings continue where they stopped.
     */
    @Test
    void aBackEndThatDiesTakesTheLinkDownAndItsReturnBringsLinkAndRingsBack() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            Path socket = dir.resolve("vu.sock");
            NetNamespace.Peer first = backEnd(ns, socket);
            Path qmp = dir.resolve("qmp.sock");
            try (ModvmProcess p = start(ns, guest(socket, "linkwatch=60000", "-qmp",
                    "unix:" + qmp + ",server,nowait"));
                    QmpTestClient c = QmpTestClient.connect(qmp, p, RUN)) {
                c.negotiate();
                p.awaitOutput("net: link up", RUN);
                assertTrue(first.awaitOutput("backend: rings running", 30), first.output());
                String ping = ns.run("busybox", "ping", "-c", "2", "-W", "5", "10.0.2.15");
                assertTrue(ping.contains("2 packets received"), ping);
                first.kill();
                p.awaitOutput("net: link down (config interrupt", RUN);
                String info = (String) c.returned("human-monitor-command", Map.of("command-line", "info network"));
                assertTrue(info.contains("connected=no"), info);
                NetNamespace.Result lost = ns.tryRun("busybox", "ping", "-c", "1", "-W", "2", "10.0.2.15");
                assertNotEquals(0, lost.status(), "a ping answered with the back-end gone: " + lost.output());
                NetNamespace.Peer second = backEnd(ns, socket);
                p.awaitOutput("net: link up (config interrupt", RUN);
                assertTrue(second.awaitOutput("backend: rings running", 30), second.output());
                ping = ns.run("busybox", "ping", "-c", "3", "-W", "5", "10.0.2.15");
                assertTrue(ping.contains("3 packets received"), ping + "\nguest:\n" + p.stdout());
                info = (String) c.returned("human-monitor-command", Map.of("command-line", "info network"));
                assertTrue(info.contains("connected=yes") && info.contains("datapath=vhost-user"), info);
            }
        }
    }

    /**
     * An update of the virtio-net bundle hands the NIC over to a new instance: the old one stops the back-end and
     * takes the ring indexes back, the new one hands the rings over again from there, and frames go on.
     */
    @Test
    void theRingsCrossAnUpdateOfTheVirtioNetBundle() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            Path socket = dir.resolve("vu.sock");
            NetNamespace.Peer backEnd = backEnd(ns, socket);
            Path qmp = dir.resolve("qmp.sock");
            List<String> args = guest(socket, "linkwatch=60000", "-qmp", "unix:" + qmp + ",server,nowait");
            try (ModvmProcess p = ModvmProcess.start(Map.of("MODVM_LOG", "info"), ns.prefix(),
                    args.toArray(String[]::new));
                    QmpTestClient c = QmpTestClient.connect(qmp, p, RUN)) {
                c.negotiate();
                p.awaitOutput("net: link up", RUN);
                String ping = ns.run("busybox", "ping", "-c", "2", "-W", "5", "10.0.2.15");
                assertTrue(ping.contains("2 packets received"), ping);
                c.returned("__io.modvm_bundle-update", Map.of("bundle", "io.modvm.virtio.net"));
                p.awaitError("device net0 taken over by a new virtio-net-pci instance", RUN);
                assertTrue(backEnd.awaitOutput("backend: ring 1 stopped at", 30), backEnd.output());
                ping = ns.run("busybox", "ping", "-c", "3", "-W", "5", "10.0.2.15");
                assertTrue(ping.contains("3 packets received"), ping + "\nback-end:\n" + backEnd.output());
                String info = (String) c.returned("human-monitor-command", Map.of("command-line", "info network"));
                assertTrue(info.contains("datapath=vhost-user"), info);
                String runs = backEnd.output();
                assertTrue(runs.indexOf("rings running") != runs.lastIndexOf("rings running"),
                        "the new instance handed the rings over again:\n" + runs);
                assertFalse(p.stdout().contains("link down"), "the guest saw nothing of the swap:\n" + p.stdout());
            }
        }
    }

    /**
     * The real Linux kernel's virtio_net through the back-end: it gives each queue an MSI-X vector, so the back-end
     * interrupts it through the irqfds modvm hands over (masked and unmasked as Linux sets the vectors up).
     */
    @Test
    @Timeout(900)
    void linuxAnswersPingsThroughTheBackEnd() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            Path socket = dir.resolve("vu.sock");
            NetNamespace.Peer backEnd = backEnd(ns, socket);
            try (ModvmProcess p = LinuxNetIT.boot(ns, "console=ttyS0 " + LinuxNetIT.IP_CONFIG, "-chardev",
                    "socket,id=c0,path=" + socket, "-netdev", "vhost-user,id=n0,chardev=c0", "-device",
                    "virtio-net-pci,netdev=n0,mac=" + MAC)) {
                p.awaitOutput("Run /init as init process", Duration.ofMinutes(10));
                String ping = LinuxNetIT.pingUntilAnswered(ns, LinuxNetIT.GUEST_IP, Duration.ofMinutes(2));
                assertTrue(ping.contains("3 packets received"), ping + "\nguest:\n" + p.stdout() + "\nback-end:\n"
                        + backEnd.output());
                String big = ns.run("busybox", "ping", "-c", "2", "-W", "10", "-s", "8000", LinuxNetIT.GUEST_IP);
                assertTrue(big.contains("2 packets received"), "8000-byte pings, IP-fragmented: " + big);
            }
        }
    }

    @Test
    void aMissingSocketIsOneLineThatSaysWhatToDo() throws Exception {
        Path socket = dir.resolve("absent.sock");
        ModvmProcess p = ModvmProcess.runToEnd(RUN, "-kernel", Guests.build("virtio_net").toString(), "-chardev",
                "socket,id=c0,path=" + socket, "-netdev", "vhost-user,id=n0,chardev=c0", "-device",
                "virtio-net-pci,netdev=n0");
        assertNotEquals(0, p.exitValue());
        assertTrue(p.stderr().contains("vhost-user n0: Failed to connect to '" + socket + "': No such file or "
                + "directory; start the vhost-user back-end first, listening on that path"), p.stderr());
    }

    /**
     * DPDK's testpmd as the back-end (its vhost PMD listens on the socket), forwarding between the guest and a tap
     * of its own in the namespace (net_tap): the guest pings the host and the host the guest through it.
     */
    @Test
    void testpmdForwardsBetweenTheGuestAndATap() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            Path socket = dir.resolve("testpmd.sock");
            NetNamespace.Peer testpmd = testpmd(ns, socket, 1);
            try (ModvmProcess p = start(ns, guest(socket, "ping=10 serve=8000"))) {
                p.awaitOutput("net: serving", RUN);
                String ping = ns.run("busybox", "ping", "-c", "3", "-W", "5", "10.0.2.15");
                assertTrue(ping.contains("3 packets received"), ping);
                assertEquals(Guests.status(0), p.waitFor(RUN), p.stdout() + "\n" + p.stderr());
                assertTrue(p.stdout().contains("net: ping replies 10/10"), p.stdout() + "\ntestpmd:\n"
                        + testpmd.output());
            }
        }
    }

    /** Two queue pairs through testpmd: the back-end serves both (GET_QUEUE_NUM) and each transmitq carries frames. */
    @Test
    void twoQueuePairsThroughTestpmd() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            Path socket = dir.resolve("testpmd.sock");
            NetNamespace.Peer testpmd = testpmd(ns, socket, 2);
            List<String> args = guest(socket, "mq=2 ping=8");
            args.set(args.indexOf("vhost-user,id=n0,chardev=c0"), "vhost-user,id=n0,chardev=c0,queues=2");
            args.set(args.indexOf("virtio-net-pci,id=net0,netdev=n0,mac=" + MAC),
                    "virtio-net-pci,id=net0,netdev=n0,mac=" + MAC + ",mq=on");
            try (ModvmProcess p = start(ns, args)) {
                assertEquals(Guests.status(0), p.waitFor(RUN), p.stdout() + "\n" + p.stderr());
                String out = p.stdout();
                assertTrue(out.contains("net: queue pairs 2 (ack 0)"), out);
                assertTrue(out.contains("net: ping replies 8/8"), out + "\ntestpmd:\n" + testpmd.output());
                Matcher tx = Pattern.compile("tx frames (\\d+) (\\d+)").matcher(out);
                assertTrue(tx.find(), out);
                for (int i = 1; i <= 2; i++) {
                    assertTrue(Integer.parseInt(tx.group(i)) >= 2, "transmitq " + (i - 1) + " sent frames: " + out);
                }
            }
        }
    }

    /** testpmd's runtime files go to /var/run/dpdk/PREFIX; one name for this JVM's runs, removed after them. */
    private static final String TESTPMD_PREFIX = "modvm-it-" + ProcessHandle.current().pid();

    @AfterAll
    static void removeTestpmdRuntimeFiles() throws IOException {
        Testpmd.removeRuntimeFiles(TESTPMD_PREFIX);
    }

    /** Starts testpmd with {@code queues} queue pairs on each port, and gives its tap the host's address. */
    private static NetNamespace.Peer testpmd(NetNamespace ns, Path socket, int queues) throws Exception {
        NetNamespace.Peer testpmd = Testpmd.start(ns, socket, queues, "dtap0", TESTPMD_PREFIX);
        ns.run("ip", "addr", "add", "10.0.2.1/24", "dev", "dtap0");
        ns.run("ip", "link", "set", "dtap0", "up");
        return testpmd;
    }
}
