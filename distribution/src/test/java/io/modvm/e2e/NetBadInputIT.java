package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bad network input ends modvm with one line naming what was wrong and what to do, in QEMU's words where QEMU has
 * some, and touches nothing else; and the help options list what the registry holds.
 */
@Timeout(120)
class NetBadInputIT {
    private static final Duration RUN = Duration.ofSeconds(60);

    private static void assertOneLineError(ModvmProcess p, String expected) {
        String err = p.stderr().strip();
        assertEquals(1, p.exitValue(), err);
        assertEquals(1, err.lines().count(), "exactly one line:\n" + err);
        assertTrue(err.startsWith("modvm: "), err);
        assertTrue(err.contains(expected), "expected '" + expected + "' in:\n" + err);
    }

    private static ModvmProcess run(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("-kernel", Guests.build("hello").toString()));
        all.addAll(List.of(args));
        return ModvmProcess.runToEnd(RUN, all.toArray(String[]::new));
    }

    @Test
    void aDeviceNamingANetdevThatDoesNotExist() throws Exception {
        assertOneLineError(run("-device", "virtio-net-pci,netdev=nope"),
                "Property 'virtio-net-pci.netdev' can't find value 'nope'");
    }

    @Test
    void aMalformedMac() throws Exception {
        ModvmProcess p = run("-device", "virtio-net-pci,mac=52:54:00:zz:00:01");
        assertOneLineError(p, "mac '52:54:00:zz:00:01' is not a MAC address; give six hex bytes");
        assertOneLineError(run("-device", "virtio-net-pci,mac=01:54:00:12:34:56"), "is a multicast address");
    }

    @Test
    void anUnknownBackendTypeAndAMissingId() throws Exception {
        assertOneLineError(run("-netdev", "bogus,id=n0"), "Parameter 'type' does not accept value 'bogus'");
        assertOneLineError(run("-netdev", "tap,ifname=tap0"), "-netdev tap,ifname=tap0: Parameter 'id' is missing");
        assertOneLineError(run("-netdev", "tap,id=n0,bogus=1"), "unknown option 'bogus'");
    }

    @Test
    void vhostforceWhereTheHostHasNoVhostNet() throws Exception {
        assumeFalse(Files.exists(Path.of("/dev/vhost-net")), "this host has /dev/vhost-net");
        assertOneLineError(run("-netdev", "tap,id=n0,ifname=mvbad0,script=no,downscript=no,vhost=on,vhostforce=on"),
                "vhostforce=on but vhost-net cannot be used: /dev/vhost-net does not exist");
    }

    /** Root without CAP_NET_ADMIN may open /dev/kvm but not make a tap: the line says what to do. */
    @Test
    void noPermissionToMakeATap() throws Exception {
        List<String> args = new ArrayList<>(List.of("-kernel", Guests.build("hello").toString(), "-netdev",
                "tap,id=n0,ifname=mvperm0,script=no,downscript=no", "-device", "virtio-net-pci,netdev=n0"));
        try (ModvmProcess p = ModvmProcess.start(Map.of(), List.of("setpriv", "--bounding-set=-net_admin",
                "--inh-caps=-net_admin"), args.toArray(String[]::new))) {
            p.closeInput();
            p.waitFor(RUN);
            assertOneLineError(p, "permission denied; run as root, or create it for this user: ip tuntap add dev "
                    + "mvperm0 mode tap user");
        }
    }

    @Test
    void aNetdevTwoDevicesName() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            try (ModvmProcess p = ModvmProcess.start(Map.of(), ns.prefix(), "-kernel", Guests.build("hello")
                    .toString(), "-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no", "-device",
                    "virtio-net-pci,netdev=n0", "-device", "virtio-net-pci,netdev=n0")) {
                p.closeInput();
                p.waitFor(RUN);
                assertOneLineError(p, "Property 'virtio-net-pci.netdev' can't take value 'n0', it's in use");
            }
        }
    }

    @Test
    void aTapAnotherProcessHolds() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            try (ModvmProcess first = ModvmProcess.start(Map.of(), ns.prefix(), "-kernel",
                    Guests.build("virtio_net").toString(), "-append", "serve=60000", "-netdev",
                    "tap,id=n0,ifname=tap0,script=no,downscript=no", "-device", "virtio-net-pci,netdev=n0")) {
                first.awaitOutput("net: serving", RUN);
                try (ModvmProcess second = ModvmProcess.start(Map.of(), ns.prefix(), "-kernel",
                        Guests.build("hello").toString(), "-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
                        "-device", "virtio-net-pci,netdev=n0")) {
                    second.closeInput();
                    second.waitFor(RUN);
                    assertOneLineError(second, "Device or resource busy; tap0 is in use by another process");
                }
                assertTrue(first.isAlive(), "the first modvm goes on");
            }
        }
    }

    /** vhost=on on a host without vhost-net: one warning naming the cause, and the guest's network works. */
    @Test
    void vhostOnWithoutVhostNetWarnsOnceAndRuns() throws Exception {
        assumeFalse(Files.exists(Path.of("/dev/vhost-net")), "this host has /dev/vhost-net");
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            try (ModvmProcess p = ModvmProcess.start(Map.of(), ns.prefix(), "-kernel",
                    Guests.build("virtio_net").toString(), "-append", "ping=3", "-device", VirtioGuests.DEBUG_EXIT,
                    "-net", "nic,model=virtio,macaddr=52:54:00:ac:0f:11", "-net",
                    "tap,name=tap0,ifname=tap0,vnet_hdr=on,vhost=on,script=no")) {
                p.closeInput();
                assertEquals(Guests.status(0), p.waitFor(RUN), p.stdout() + p.stderr());
                assertTrue(p.stdout().contains("net: mac 52:54:00:ac:0f:11"), p.stdout());
                assertTrue(p.stdout().contains("net: ping replies 3/3"), p.stdout());
                List<String> warnings = p.stderr().lines().filter(l -> l.contains("vhost")).toList();
                assertEquals(1, warnings.size(), p.stderr());
                assertTrue(warnings.get(0).contains("/dev/vhost-net does not exist")
                        && warnings.get(0).contains("userspace datapath"), warnings.get(0));
            }
        }
    }

    @Test
    void theHelpOptionsListWhatTheRegistryHolds() throws Exception {
        for (String model : new String[] {"?", "help"}) {
            ModvmProcess p = ModvmProcess.runToEnd(RUN, "-net", "nic,model=" + model);
            assertEquals(0, p.exitValue(), p.stderr());
            assertTrue(p.stdout().startsWith("Supported NIC models:"), p.stdout());
            assertTrue(p.stdout().lines().anyMatch("virtio-net-pci"::equals), p.stdout());
            assertTrue(p.stdout().lines().anyMatch("e1000"::equals), p.stdout());
            assertTrue(p.stdout().lines().noneMatch("virtio-rng-pci"::equals), "only NICs:\n" + p.stdout());
        }
        ModvmProcess p = ModvmProcess.runToEnd(RUN, "-netdev", "help");
        assertEquals(0, p.exitValue(), p.stderr());
        for (String type : new String[] {"tap", "user", "vhost-user"}) {
            assertTrue(p.stdout().lines().anyMatch(type::equals), p.stdout());
        }
    }
}
