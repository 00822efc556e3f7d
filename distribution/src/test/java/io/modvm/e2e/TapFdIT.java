package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code -netdev tap,fd=N}, as libvirt passes a tap: a small launcher (python3) opens the tap the test made, with or
 * without IFF_VNET_HDR, and execs modvm with the descriptor inherited. As in QEMU, {@code vnet_hdr} defaults to what
 * the descriptor was opened with, and asking for the other is a one-line error; the guest (guests/virtio_net.c)
 * pings the host either way.
 */
@Timeout(180)
class TapFdIT {
    private static final Duration RUN = Duration.ofSeconds(120);
    /** Opens tap0 (IFF_TAP | IFF_NO_PI, plus IFF_VNET_HDR if argv[1] is "vnet"), then execs argv[2:] with FD replaced. */
    private static final String OPENER = String.join("\n",
            "import fcntl, os, struct, sys",
            "flags = 0x0002 | 0x1000 | (0x4000 if sys.argv[1] == 'vnet' else 0)",
            "fd = os.open('/dev/net/tun', os.O_RDWR)",
            "fcntl.ioctl(fd, 0x400454ca, struct.pack('16sH22x', b'tap0', flags))",
            "os.set_inheritable(fd, True)",
            "argv = [a.replace('FD', str(fd)) for a in sys.argv[2:]]",
            "os.execvp(argv[0], argv)");

    @BeforeEach
    void installed() throws Exception {
        DeviceTypes.assertInstalled("virtio-net-pci");
    }

    private static ModvmProcess start(NetNamespace ns, boolean vnet, String netdevExtra) throws Exception {
        List<String> prefix = new ArrayList<>(ns.prefix());
        prefix.addAll(List.of("python3", "-c", OPENER, vnet ? "vnet" : "plain"));
        return ModvmProcess.start(Map.of(), prefix, "-kernel", Guests.build("virtio_net").toString(), "-m", "256",
                "-append", "ping=5", "-device", VirtioGuests.DEBUG_EXIT, "-netdev", "tap,id=n0,fd=FD" + netdevExtra,
                "-device", "virtio-net-pci,id=net0,netdev=n0,mac=52:54:00:12:34:56");
    }

    private static void assertPings(NetNamespace ns, boolean vnet) throws Exception {
        try (ModvmProcess p = start(ns, vnet, "")) {
            assertEquals(Guests.status(0), p.waitFor(RUN), p.stdout() + "\nstderr:\n" + p.stderr());
            assertTrue(p.stdout().contains("net: ping replies 5/5"), p.stdout());
        }
    }

    @Test
    void aDescriptorOpenedWithTheVnetHeaderCarriesIt() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            assertPings(ns, true);
        }
    }

    @Test
    void aDescriptorOpenedWithoutTheVnetHeaderCarriesPlainFrames() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            assertPings(ns, false);
        }
    }

    @Test
    void askingForAHeaderTheDescriptorLacksIsOneLine() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            try (ModvmProcess p = start(ns, false, ",vnet_hdr=on")) {
                assertEquals(1, p.waitFor(RUN), p.stderr());
                assertTrue(p.stderr().contains("was opened without IFF_VNET_HDR"), p.stderr());
                assertEquals(1, p.stderr().strip().lines().count(), p.stderr());
            }
        }
    }
}
