package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default guest's shell on the network, as a user meets it: udhcpc, ping, a stream through nc, wget through
 * user-mode networking, iperf3 both ways over a tap. These need Linux user space, which runs on any host with VT-x or AMD-V; on a PVM host they
 * are skipped with the reason.
 */
class LinuxNetShellIT {
    private static final Duration SHELL = Duration.ofMinutes(5);
    private static final Duration STEP = Duration.ofMinutes(1);

    @TempDir
    Path dir;

    @BeforeEach
    void needsUserSpace() {
        boolean pvm = LinuxGuest.hostEmulatesKernel();
        if (pvm) {
            System.out.println("LinuxNetShellIT skipped: " + LinuxGuest.PVM_SKIP_REASON);
        }
        assumeFalse(pvm, LinuxGuest.PVM_SKIP_REASON);
    }

    /** On a tap with a DHCP server in the namespace: udhcpc, ping the host, 10 MiB to the host through nc. */
    @Test
    @Timeout(900)
    void udhcpcPingAndAStreamOverATap() throws Exception {
        LinuxGuest.file("bzImage");
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            Path conf = Files.writeString(dir.resolve("udhcpd.conf"), String.join("\n", "start 10.0.2.15",
                    "end 10.0.2.15", "interface tap0", "option subnet 255.255.255.0", "option router 10.0.2.1",
                    "lease_file " + dir.resolve("leases"), "pidfile " + dir.resolve("pid"), ""));
            Files.createFile(dir.resolve("leases"));
            ns.start("busybox", "udhcpd", "-f", conf.toString());
            NetNamespace.Peer sink = ns.start("sh", "-c", "busybox nc -l -p 7001 | busybox wc -c");
            try (ModvmProcess p = ModvmProcess.start(Map.of(), ns.prefix(), "-m", "256", "-netdev",
                    "tap,id=n0,ifname=tap0,script=no,downscript=no", "-device", "virtio-net-pci,netdev=n0")) {
                p.awaitOutput("# ", SHELL);
                p.type("udhcpc -i eth0 -n -q\n");
                p.awaitOutput("udhcpc: eth0 is 10.0.2.15/24, gateway 10.0.2.1", STEP);
                p.type("ping -c 3 10.0.2.1\n");
                p.awaitOutput("3 packets received", STEP);
                p.type("dd if=/dev/zero bs=65536 count=160 2>/dev/null | nc 10.0.2.1 7001; echo sent-$?\n");
                p.awaitOutput("sent-0", STEP);
                assertEquals("10485760", sink.awaitEnd(60).strip(), p.stdout());
                p.type("poweroff -f\n");
                assertEquals(0, p.waitFor(Duration.ofMinutes(2)), p.stdout() + p.stderr());
            }
        }
    }

    /**
     * User-mode networking, as quickstart gives it: udhcpc gets 10.0.2.15 from slirp's DHCP, and wget reaches a
     * server on the host's loopback through 10.0.2.2.
     */
    @Test
    @Timeout(900)
    void udhcpcAndWgetThroughUserModeNetworking() throws Exception {
        LinuxGuest.file("bzImage");
        String body = "modvm user-mode networking works\n";
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hello", x -> {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        server.start();
        try (ModvmProcess p = ModvmProcess.start("-m", "256", "-nic", "user,model=virtio-net-pci")) {
            p.awaitOutput("# ", SHELL);
            p.type("udhcpc -i eth0 -n -q\n");
            p.awaitOutput("udhcpc: eth0 is 10.0.2.15/24, gateway 10.0.2.2", STEP);
            p.type("wget -q -O - http://10.0.2.2:" + server.getAddress().getPort() + "/hello\n");
            p.awaitOutput(body.strip(), STEP);
            p.type("poweroff -f\n");
            assertEquals(0, p.waitFor(Duration.ofMinutes(2)), p.stdout() + p.stderr());
        } finally {
            server.stop(0);
        }
    }

    /**
     * iperf3 between the guest and the host's end of a tap, each way: the guest's initramfs gets the host's iperf3
     * and its libraries. The figures are printed, not judged (a test asserts no timing); that a stream of some
     * seconds completes both ways, with the offloads the tap and virtio-net negotiate, is.
     */
    @Test
    @Timeout(900)
    void iperf3BothWaysOverATap() throws Exception {
        LinuxGuest.file("bzImage");
        Path initrd = HostProgramsInitramfs.write(LinuxGuest.file("initramfs.cpio"), dir, dir.resolve("initrd.cpio"),
                "/usr/bin/iperf3");
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            try (ModvmProcess p = ModvmProcess.start(Map.of(), ns.prefix(), "-m", "512", "-initrd", initrd.toString(),
                    "-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no,vnet_hdr=on",
                    "-device", "virtio-net-pci,netdev=n0")) {
                p.awaitOutput("# ", SHELL);
                p.type("ip addr add 10.0.2.15/24 dev eth0 && ip link set eth0 up && echo net-$?\n");
                p.awaitOutput("net-0", STEP);
                String[] directions = {"", " -R"};
                for (int i = 0; i < directions.length; i++) {
                    NetNamespace.Peer server = ns.start("iperf3", "-s", "-1", "-B", "10.0.2.1");
                    assertTrue(server.awaitOutput("Server listening", 10), server.output());
                    int from = p.stdout().length();
                    p.type("iperf3 -c 10.0.2.1 -t 5 -f m" + directions[i] + "; echo iperf" + i + "-$?\n");
                    p.awaitOutput("iperf" + i + "-0", Duration.ofMinutes(2));
                    String out = p.stdout().substring(from);
                    assertTrue(out.contains("iperf" + i + "-0"), out);
                    Matcher rate = Pattern.compile("([0-9.]+) Mbits/sec\\s+receiver").matcher(out);
                    assertTrue(rate.find(), out);
                    System.out.println("LinuxNetShellIT: iperf3" + directions[i] + ": " + rate.group(1) + " Mbit/s");
                    server.awaitEnd(30);
                }
                p.type("poweroff -f\n");
                assertEquals(0, p.waitFor(Duration.ofMinutes(2)), p.stdout() + p.stderr());
            }
        }
    }
}
