package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * NICs of a running machine: hot-added through the monitor or a {@code .cfg} file, their receive filter as the
 * driver sets it, and the virtio-net bundle updated under a guest that keeps pinging. The tiny guest
 * (guests/virtio_net.c) waits for its NIC to appear; everything runs in a network namespace the test makes.
 */
@Timeout(240)
class NetLiveIT {
    private static final Duration RUN = Duration.ofSeconds(150);

    @TempDir
    Path dir;

    private ModvmProcess start(NetNamespace ns, Path home, Map<String, String> env, String append) throws Exception {
        List<String> args = new ArrayList<>(List.of("-kernel", Guests.build("virtio_net").toString(), "-m", "256",
                "-append", append, "-device", VirtioGuests.DEBUG_EXIT,
                "-qmp", "unix:" + dir.resolve("qmp.sock") + ",server,nowait"));
        return ModvmProcess.start(home, env, ns.prefix(), args.toArray(String[]::new));
    }

    private QmpTestClient connect(ModvmProcess p) throws Exception {
        QmpTestClient c = QmpTestClient.connect(dir.resolve("qmp.sock"), p, RUN);
        c.negotiate();
        p.awaitOutput("net: waiting for a NIC", RUN);
        return c;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + RUN.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within " + RUN + ": " + what);
            }
            Thread.sleep(100);
        }
    }

    private static Map<String, Object> tap(String id) {
        return Map.of("type", "tap", "id", id, "ifname", "tap0", "script", "no", "downscript", "no");
    }

    @Test
    void netdevAddAndDeviceAddGiveARunningGuestANic() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            try (ModvmProcess p = start(ns, ModvmProcess.home(), Map.of(), "waitdev=60000 ping=3");
                    QmpTestClient c = connect(p)) {
                assertEquals(Map.of(), c.returned("netdev_add", tap("n1")));
                Map<String, Object> twice = c.execute("netdev_add", tap("n1"));
                assertTrue(String.valueOf(twice.get("error")).contains("Duplicate ID 'n1' for netdev"), "" + twice);
                assertEquals(Map.of(), c.returned("device_add", Map.of("driver", "virtio-net-pci", "id", "hot0",
                        "netdev", "n1", "mac", "52:54:00:12:34:58")));
                assertEquals(Guests.status(0), p.waitFor(RUN), p.stdout() + p.stderr());
                assertTrue(p.stdout().contains("net: mac 52:54:00:12:34:58"), p.stdout());
                assertTrue(p.stdout().contains("net: ping replies 3/3"), p.stdout());
            }
        }
    }

    /** The filter the driver sets shows in query-rx-filter, and NIC_RX_FILTER_CHANGED says it changed, once. */
    @Test
    void theReceiveFilterTheDriverSetsIsQueriedAndAnnounced() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            try (ModvmProcess p = start(ns, ModvmProcess.home(), Map.of(), "waitdev=60000 rxmode=1 serve=30000");
                    QmpTestClient c = connect(p)) {
                c.returned("netdev_add", tap("n1"));
                c.returned("device_add", Map.of("driver", "virtio-net-pci", "id", "nic1", "netdev", "n1",
                        "mac", "52:54:00:12:34:59"));
                p.awaitOutput("net: rx mode set (promisc off ack 0, mac table ack 0)", RUN);
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> filters = (List<Map<String, Object>>) c.returned("query-rx-filter",
                        Map.of("name", "nic1"));
                Map<String, Object> f = filters.get(0);
                assertEquals("nic1", f.get("name"));
                assertEquals(false, f.get("promiscuous"));
                assertEquals("52:54:00:12:34:59", f.get("main-mac"));
                assertEquals(List.of("01:00:5e:00:00:42"), f.get("multicast-table"));
                List<Map<String, Object>> events = c.events().stream()
                        .filter(e -> "NIC_RX_FILTER_CHANGED".equals(e.get("event"))).toList();
                assertEquals(1, events.size(), "one event until the filter is queried again: " + c.events());
                assertEquals(Map.of("name", "nic1", "path", "/machine/peripheral/nic1/virtio-backend"),
                        events.get(0).get("data"));
                Map<String, Object> none = c.execute("query-rx-filter", Map.of("name", "nope"));
                assertTrue(String.valueOf(none.get("error")).contains("net client(nope) isn't a NIC"), "" + none);
            }
        }
    }

    @Test
    void aCfgFileInDeployAddsANic() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            Path home = DistributionCopy.in(dir);
            drop(home, "io.modvm.backend-n1.cfg", "kind=netdev\ntype=tap\nid=n1\nifname=tap0\nscript=no\n"
                    + "downscript=no\n");
            drop(home, "io.modvm.device-nic1.cfg", "type=virtio-net-pci\nid=nic1\nnetdev=n1\nmac=52:54:00:12:34:5a\n");
            try (ModvmProcess p = start(ns, home, Map.of(), "waitdev=60000 ping=3")) {
                p.closeInput();
                assertEquals(Guests.status(0), p.waitFor(RUN), p.stdout() + p.stderr());
                assertTrue(p.stdout().contains("net: mac 52:54:00:12:34:5a"), p.stdout());
                assertTrue(p.stdout().contains("net: ping replies 3/3"), p.stdout());
            }
        }
    }

    /**
     * The virtio-net bundle updated under a guest that keeps pinging: the NIC is handed over (MAC, filters, ring
     * indexes and the receive buffers held), the guest sees no reset and no removal, and only frames in flight
     * during the swap are lost.
     */
    @Test
    void updatingTheVirtioNetBundleUnderAPingingGuestLosesOnlyFramesInFlight() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            Path home = DistributionCopy.in(dir);
            Path deployed = DistributionCopy.moveToDeploy(home, "virtio.net-");
            try (ModvmProcess p = start(ns, home, Map.of("MODVM_LOG", "info"),
                    "waitdev=60000 ping=150 pinggap=100 pingwait=2000");
                    QmpTestClient c = connect(p)) {
                c.returned("netdev_add", tap("n1"));
                await("the virtio-net bundle deployed", () -> {
                    try {
                        return !c.execute("device_add", Map.of("driver", "virtio-net-pci", "id", "nic1",
                                "netdev", "n1")).containsKey("error");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                p.awaitOutput("net: host mac", RUN);
                Thread.sleep(2000);
                DistributionCopy.update(deployed);
                await("the NIC taken over by the updated bundle",
                        () -> p.stderr().contains("device nic1 taken over by a new virtio-net-pci instance"));
                assertEquals(Guests.status(0), p.waitFor(RUN), p.stdout() + p.stderr());
                Matcher m = Pattern.compile("net: ping replies (\\d+)/150").matcher(p.stdout());
                assertTrue(m.find(), p.stdout());
                System.out.println("NetLiveIT: " + m.group(1) + "/150 pings answered across the virtio-net bundle "
                        + "update");
                assertTrue(Integer.parseInt(m.group(1)) >= 145, "pings lost beyond those in flight: " + m.group()
                        + "\n" + p.stderr());
                assertFalse(p.stdout().contains("transmit failed"), p.stdout());
                assertTrue(c.events().stream().noneMatch(e -> "DEVICE_DELETED".equals(e.get("event"))),
                        "no removal the guest could see: " + c.events());
            }
        }
    }

    /** Writes a file next to deploy/ and moves it in, so that FileInstall never reads half of it. */
    private Path drop(Path home, String name, String content) throws Exception {
        Path staged = Files.writeString(dir.resolve(name), content);
        return Files.move(staged, home.resolve("deploy").resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }
}
