package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -netdev tap,vhost=on}: where the host has /dev/vhost-net, the kernel moves the tap's frames and modvm's
 * threads none; where it has not (these build machines), one warning says why and the userspace datapath moves
 * them, and {@code vhostforce=on} is an error.
 */
@Timeout(180)
class VhostNetIT {
    private static final Duration RUN = Duration.ofSeconds(120);
    private static final Path VHOST_NET = Path.of("/dev/vhost-net");

    @TempDir
    Path dir;

    @BeforeEach
    void installed() throws Exception {
        DeviceTypes.assertInstalled("virtio-net-pci");
    }

    private List<String> guest(String netdevExtra, Path qmp) {
        return new ArrayList<>(List.of("-kernel", Guests.build("virtio_net").toString(), "-m", "256", "-append",
                "ping=10 serve=8000", "-device", VirtioGuests.DEBUG_EXIT, "-netdev",
                "tap,id=n0,ifname=tap0,script=no,downscript=no" + netdevExtra, "-device",
                "virtio-net-pci,id=net0,netdev=n0,mac=52:54:00:12:34:56", "-qmp", "unix:" + qmp + ",server,nowait"));
    }

    /** Pings both ways and returns what {@code info network} said while the guest served. */
    private String pingBothWays(NetNamespace ns, String netdevExtra) throws Exception {
        ns.addTap("tap0", "10.0.2.1/24", false);
        Path qmp = dir.resolve("qmp.sock");
        try (ModvmProcess p = ModvmProcess.start(Map.of(), ns.prefix(), guest(netdevExtra, qmp).toArray(String[]::new));
                QmpTestClient c = QmpTestClient.connect(qmp, p, RUN)) {
            c.negotiate();
            p.awaitOutput("net: serving", RUN);
            String info = (String) c.returned("human-monitor-command", Map.of("command-line", "info network"));
            String ping = ns.run("busybox", "ping", "-c", "3", "-W", "5", "10.0.2.15");
            assertTrue(ping.contains("3 packets received"), ping);
            assertEquals(Guests.status(0), p.waitFor(RUN), p.stdout() + "\n" + p.stderr());
            assertTrue(p.stdout().contains("net: ping replies 10/10"), p.stdout());
            return info + "\nstderr:\n" + p.stderr();
        }
    }

    @Test
    void theKernelMovesTheFramesWhereTheHostHasVhostNet() throws Exception {
        String why = "this host has no /dev/vhost-net (no vhost_net module), so the kernel datapath cannot run here; "
                + "the test runs where it exists";
        if (!Files.exists(VHOST_NET)) {
            // A skip's reason shows only in the report; say it where the run is read.
            System.out.println("VhostNetIT.theKernelMovesTheFramesWhereTheHostHasVhostNet skipped: " + why);
        }
        assumeTrue(Files.exists(VHOST_NET), why);
        try (NetNamespace ns = NetNamespace.create()) {
            String seen = pingBothWays(ns, ",vhost=on,vhostforce=on");
            assertTrue(seen.contains("datapath=vhost-net"), seen);
        }
    }

    @Test
    void withoutVhostNetOneWarningSaysWhyAndUserspaceMovesTheFrames() throws Exception {
        assumeTrue(!Files.exists(VHOST_NET), "this host has /dev/vhost-net; the fallback is for hosts without it");
        try (NetNamespace ns = NetNamespace.create()) {
            String seen = pingBothWays(ns, ",vhost=on");
            assertTrue(seen.contains("datapath=userspace"), seen);
            assertTrue(seen.contains("tap n0: vhost=on but vhost-net cannot be used: /dev/vhost-net does not exist (no "
                    + "vhost_net module on this host); the userspace datapath moves this tap's frames"), seen);
        }
    }

    @Test
    void vhostforceWithoutVhostNetIsAnError() throws Exception {
        assumeTrue(!Files.exists(VHOST_NET), "this host has /dev/vhost-net; the error is for hosts without it");
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            ModvmProcess p = ModvmProcess.start(Map.of(), ns.prefix(), "-kernel",
                    Guests.build("virtio_net").toString(), "-netdev",
                    "tap,id=n0,ifname=tap0,script=no,downscript=no,vhostforce=on", "-device", "virtio-net-pci,netdev=n0");
            assertNotEquals(0, p.waitFor(RUN));
            assertTrue(p.stderr().contains("tap n0: vhostforce=on but vhost-net cannot be used: /dev/vhost-net does not "
                    + "exist (no vhost_net module on this host); use vhost=on without vhostforce, or vhost=off"),
                    p.stderr());
        }
    }
}
