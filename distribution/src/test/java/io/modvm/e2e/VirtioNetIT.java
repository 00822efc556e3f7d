package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * virtio-net-pci on a tap, driven by a tiny guest (guests/virtio_net.c) whose peer is the host kernel's own network
 * stack: the tap lives in a network namespace the test makes, modvm runs inside it, and so do the host-side
 * programs (busybox ping and nc), so no frame leaves the namespace.
 */
@Timeout(180)
class VirtioNetIT {
    private static final Duration RUN = Duration.ofSeconds(120);
    private static final String MAC = "52:54:00:12:34:56";

    @TempDir
    Path dir;

    @BeforeEach
    void installed() throws Exception {
        DeviceTypes.assertInstalled("virtio-net-pci");
    }

    private static List<String> guest(String append, String... more) {
        List<String> args = new ArrayList<>(List.of("-kernel", Guests.build("virtio_net").toString(), "-m", "256",
                "-append", append, "-device", VirtioGuests.DEBUG_EXIT));
        args.addAll(List.of(more));
        return args;
    }

    private static String[] tapNic(String netdevExtra, String deviceExtra) {
        return new String[] {"-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no" + netdevExtra, "-device",
            "virtio-net-pci,id=net0,netdev=n0,mac=" + MAC + deviceExtra};
    }

    private static ModvmProcess start(NetNamespace ns, List<String> args) throws Exception {
        return ModvmProcess.start(Map.of(), ns.prefix(), args.toArray(String[]::new));
    }

    private static void assertExited(ModvmProcess p) throws Exception {
        assertEquals(Guests.status(0), p.waitFor(RUN), "guest:\n" + p.stdout() + "\nstderr:\n" + p.stderr());
    }

    @Test
    void theGuestPingsTheHostAndTheHostPingsTheGuest() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            List<String> args = guest("ping=10 serve=6000");
            args.addAll(List.of(tapNic("", "")));
            try (ModvmProcess p = start(ns, args)) {
                p.awaitOutput("net: serving", RUN);
                String ping = ns.run("busybox", "ping", "-c", "3", "-W", "5", "-s", "1400", "10.0.2.15");
                assertTrue(ping.contains("3 packets received"), ping);
                assertExited(p);
                String out = p.stdout();
                assertTrue(out.contains("net: mac " + MAC), out);
                assertTrue(out.contains("link up"), out);
                assertTrue(out.contains("net: ping replies 10/10"), out);
                Matcher served = Pattern.compile("net: served echo (\\d+)").matcher(out);
                assertTrue(served.find() && Integer.parseInt(served.group(1)) >= 3, out);
            }
        }
    }

    /**
     * The vnet header carries the guest's offloads to the host and the host's to the guest: a UDP datagram whose
     * checksum the guest left to the host arrives (the host would drop it otherwise), a TCP stream the guest sends
     * in 60000-byte segments arrives whole, and one the host sends reaches the guest in frames larger than the MTU,
     * spread over mergeable receive buffers.
     */
    @Test
    void offloadsCrossTheVnetHeaderBothWays() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            NetNamespace.Peer udp = ns.startJava(UdpSink.class, "7003");
            NetNamespace.Peer tcp = ns.start("sh", "-c", "busybox nc -l -p 7001 | busybox wc -c");
            assertTrue(udp.awaitOutput("udp sink listening", 30), udp.output());
            ns.awaitTcpListener(7001);
            List<String> args = guest("udpcsum=1 tcpsend=300000 serve=15000");
            args.addAll(List.of(tapNic(",vnet_hdr=on", "")));
            try (ModvmProcess p = start(ns, args)) {
                p.awaitOutput("net: serving", RUN);
                assertEquals("300000", tcp.awaitEnd(30).strip(), "bytes the host's nc took\nguest:\n" + p.stdout());
                assertTrue(udp.awaitOutput("modvm-udp-csum-offload", 10), "UDP datagram with checksum offload: '"
                        + udp.output() + "'\nguest:\n" + p.stdout());
                NetNamespace.Result sent = ns.tryRun("sh", "-c",
                        "busybox head -c 400000 /dev/zero | busybox nc -w 5 10.0.2.15 7002");
                assertExited(p);
                String out = p.stdout();
                assertTrue(out.contains("net: tcp sent 300000 bytes in offloaded segments, acked all"), out);
                Matcher m = Pattern.compile("tcp bytes (\\d+) largest (\\d+) gso frames (\\d+) merged frames (\\d+)")
                        .matcher(out);
                assertTrue(m.find(), out);
                assertEquals(400000, Long.parseLong(m.group(1)), "bytes the guest took; host nc: " + sent + "\n" + out);
                assertTrue(Integer.parseInt(m.group(2)) > 1500, "a frame above the MTU reached the guest:\n" + out);
                assertTrue(Integer.parseInt(m.group(3)) > 0, out);
                assertTrue(Integer.parseInt(m.group(4)) > 0, "a frame spread over mergeable buffers:\n" + out);
            }
        }
    }

    /** With every offload and mergeable buffers switched off, the same traffic goes in MTU-sized frames. */
    @Test
    void withoutOffloadsTheSameTrafficGoesInPlainFrames() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            NetNamespace.Peer tcp = ns.start("sh", "-c", "busybox nc -l -p 7001 | busybox wc -c");
            ns.awaitTcpListener(7001);
            List<String> args = guest("tcpsend=100000 serve=10000");
            args.addAll(List.of(tapNic("", ",csum=off,guest_csum=off,mrg_rxbuf=off")));
            try (ModvmProcess p = start(ns, args)) {
                p.awaitOutput("net: serving", RUN);
                assertEquals("100000", tcp.awaitEnd(30).strip(), p.stdout());
                ns.tryRun("sh", "-c", "busybox head -c 100000 /dev/zero | busybox nc -w 5 10.0.2.15 7002");
                assertExited(p);
                String out = p.stdout();
                assertTrue(out.contains("tcp sent 100000 bytes in plain segments, acked all"), out);
                Matcher m = Pattern.compile("tcp bytes (\\d+) largest (\\d+) gso frames (\\d+) merged frames (\\d+)")
                        .matcher(out);
                assertTrue(m.find(), out);
                assertEquals(100000, Long.parseLong(m.group(1)), out);
                assertTrue(Integer.parseInt(m.group(2)) <= 1460, out);
                assertEquals("0", m.group(3), out);
                assertEquals("0", m.group(4), out);
            }
        }
    }

    @Test
    void fourQueuePairsEachCarryFrames() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", true);
            List<String> args = guest("mq=4 ping=8");
            args.addAll(List.of(tapNic(",queues=4", ",mq=on")));
            try (ModvmProcess p = start(ns, args)) {
                assertExited(p);
                String out = p.stdout();
                assertTrue(out.contains("pairs 4"), out);
                assertTrue(out.contains("net: queue pairs 4 (ack 0)"), out);
                assertTrue(out.contains("net: ping replies 8/8"), out);
                Matcher tx = Pattern.compile("tx frames (\\d+) (\\d+) (\\d+) (\\d+)").matcher(out);
                assertTrue(tx.find(), out);
                for (int i = 1; i <= 4; i++) {
                    assertTrue(Integer.parseInt(tx.group(i)) >= 2, "transmitq " + (i - 1) + " sent frames: " + out);
                }
            }
        }
    }

    /** set_link: the guest sees its link go down and come back, each with a configuration interrupt. */
    @Test
    void setLinkTakesTheLinkDownAndUp() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            Path qmp = dir.resolve("qmp.sock");
            List<String> args = guest("linkwatch=20000", "-qmp", "unix:" + qmp + ",server,nowait");
            args.addAll(List.of(tapNic("", "")));
            try (ModvmProcess p = start(ns, args);
                    QmpTestClient c = QmpTestClient.connect(qmp, p, RUN)) {
                c.negotiate();
                p.awaitOutput("net: link up", RUN);
                c.returned("set_link", Map.of("name", "net0", "up", false));
                p.awaitOutput("net: link down (config interrupt", RUN);
                String info = (String) c.returned("human-monitor-command", Map.of("command-line", "info network"));
                assertTrue(info.contains("net0: index=0,type=nic,model=virtio-net-pci,macaddr=" + MAC), info);
                assertTrue(info.contains("link down"), info);
                assertTrue(info.contains(" \\ n0: index=0,type=tap,ifname=tap0,script=no,downscript=no"), info);
                assertTrue(info.contains("datapath=userspace"), info);
                c.returned("set_link", Map.of("name", "n0", "up", true));
                p.awaitOutput("net: link up (config interrupt", RUN);
                Map<String, Object> bad = c.execute("set_link", Map.of("name", "nope", "up", true));
                assertTrue(bad.toString().contains("Device 'nope' not found"), bad.toString());
            }
        }
    }

    /**
     * A guest that writes garbage into its rings: malformed headers, a header cut short, buffers outside RAM; each
     * chain comes back and the device goes on; a ring index that jumps past the ring asks for a reset, after which
     * the device works again. The VMM logs each kind once and never stops.
     */
    @Test
    void garbageInTheRingsIsRefusedAndTheDeviceGoesOn() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            List<String> args = guest("garbage=1 ping=3");
            args.addAll(List.of(tapNic("", "")));
            try (ModvmProcess p = start(ns, args)) {
                assertExited(p);
                String out = p.stdout();
                assertTrue(out.lines().filter(l -> l.startsWith("net: garbage")).count() == 7, out);
                assertTrue(out.lines().filter(l -> l.startsWith("net: garbage"))
                        .allMatch(l -> l.endsWith(": returned")), out);
                assertTrue(out.contains("net: after the garbage the device runs on"), out);
                assertTrue(out.contains("net: avail index past the ring: DEVICE_NEEDS_RESET"), out);
                assertTrue(out.contains("net: started again after the reset"), out);
                assertTrue(out.contains("net: ping replies 3/3"), out);
                assertTrue(p.stderr().contains("guest error (transmitq0 header)"), p.stderr());
            }
        }
    }
}
