package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * The e1000 (Intel 82540EM) on a tap, driven by a tiny guest (guests/e1000.c) whose peer is the host kernel's own
 * network stack, as in {@link VirtioNetIT}: the tap lives in a network namespace the test makes, and modvm and the
 * host-side programs (busybox ping and nc) run inside it. The guest takes the device's INTA# through the IOAPIC at
 * the GSI the PCI interrupt line register names, so these tests also cover PCI INTx.
 */
@Timeout(180)
class E1000IT {
    private static final Duration RUN = Duration.ofSeconds(120);
    private static final String MAC = "52:54:00:12:34:56";
    private static final Pattern INTERRUPTS = Pattern.compile("e1000: interrupts (\\d+) causes ([0-9a-f]+)");

    @TempDir
    Path dir;

    @BeforeEach
    void installed() throws Exception {
        DeviceTypes.assertInstalled("e1000");
    }

    private static List<String> guest(String append, String... more) {
        List<String> args = new ArrayList<>(List.of("-kernel", Guests.build("e1000").toString(), "-m", "256",
                "-append", append, "-device", VirtioGuests.DEBUG_EXIT));
        args.addAll(List.of(more));
        return args;
    }

    private static List<String> tapNic(String netdevExtra) {
        return List.of("-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no" + netdevExtra, "-device",
                "e1000,id=net0,netdev=n0,mac=" + MAC);
    }

    private static ModvmProcess start(NetNamespace ns, List<String> args) throws Exception {
        return ModvmProcess.start(Map.of(), ns.prefix(), args.toArray(String[]::new));
    }

    private static void assertExited(ModvmProcess p) throws Exception {
        assertEquals(Guests.status(0), p.waitFor(RUN), "guest:\n" + p.stdout() + "\nstderr:\n" + p.stderr());
    }

    /** The interrupts the guest's INTx handler took, and the causes it read from ICR. */
    private static int interrupts(String out, int cause) {
        Matcher m = INTERRUPTS.matcher(out);
        assertTrue(m.find(), out);
        assertTrue((Integer.parseInt(m.group(2), 16) & cause) == cause, "ICR causes " + m.group(2) + ":\n" + out);
        return Integer.parseInt(m.group(1));
    }

    /**
     * The probe a driver makes (the MAC from the EEPROM, whose words sum to 0xBABA, also bit-banged through EECD;
     * the PHY's ID; the link), then pings both ways, with receive and transmit interrupts arriving on INTA#.
     */
    @Test
    void theGuestReadsTheEepromAndPingsTheHostAndTheHostPingsTheGuest() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            List<String> args = guest("ping=10 serve=6000 itr=195");
            args.addAll(tapNic(""));
            try (ModvmProcess p = start(ns, args)) {
                p.awaitOutput("net: serving", RUN);
                String ping = ns.run("busybox", "ping", "-c", "3", "-W", "5", "-s", "1400", "10.0.2.15");
                assertTrue(ping.contains("3 packets received"), ping);
                assertExited(p);
                String out = p.stdout();
                assertTrue(Pattern.compile("e1000: found 00:0\\p{XDigit}\\.0 rev 03 subsystem 1af4:1100 bar0 size "
                        + "0x20000 pin 1 line 1[6-9]\\s").matcher(out).find(), "INTA# on GSI 16-19:\n" + out);
                assertTrue(out.contains("e1000: eeprom mac " + MAC + " checksum baba ok, word 0 through EECD matches"),
                        out);
                assertTrue(out.contains("e1000: receive address 0 holds " + MAC), out);
                assertTrue(out.contains("e1000: phy id 0141 0c20"), out);
                assertTrue(out.contains("e1000: link up"), out);
                assertTrue(out.contains("net: ping replies 10/10"), out);
                Matcher served = Pattern.compile("net: served echo (\\d+)").matcher(out);
                assertTrue(served.find() && Integer.parseInt(served.group(1)) >= 3, out);
                assertTrue(interrupts(out, 0x80 | 0x01) > 0, "receive and transmit interrupts on INTx:\n" + out);
            }
        }
    }

    /**
     * A TCP stream each way: the guest sends 60000-byte segments that the device cuts (a TSO context) and its own
     * checksums left to the device, with the tap's vnet header on (the device sends plain frames behind a zero
     * header), and takes a stream the host sends.
     */
    @Test
    void tcpStreamsBothWaysWithSegmentationAndChecksumOffload() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            NetNamespace.Peer tcp = ns.start("sh", "-c", "busybox nc -l -p 7001 | busybox wc -c");
            ns.awaitTcpListener(7001);
            List<String> args = guest("tcpsend=300000 tso=1 serve=15000");
            args.addAll(tapNic(",vnet_hdr=on"));
            try (ModvmProcess p = start(ns, args)) {
                p.awaitOutput("net: serving", RUN);
                assertEquals("300000", tcp.awaitEnd(30).strip(), "bytes the host's nc took\nguest:\n" + p.stdout());
                NetNamespace.Result sent = ns.tryRun("sh", "-c",
                        "busybox head -c 400000 /dev/zero | busybox nc -w 5 10.0.2.15 7002");
                assertExited(p);
                String out = p.stdout();
                assertTrue(out.contains("net: tcp sent 300000 bytes in segments the device cut, acked all"), out);
                Matcher m = Pattern.compile("tcp bytes (\\d+)").matcher(out);
                assertTrue(m.find(), out);
                assertEquals(400000, Long.parseLong(m.group(1)), "bytes the guest took; host nc: " + sent + "\n" + out);
                Matcher tso = Pattern.compile("tso packets (\\d+)").matcher(out);
                assertTrue(tso.find() && Integer.parseInt(tso.group(1)) >= 5, out);
            }
        }
    }

    /** set_link: the guest sees STATUS.LU go down and come back, each with Link Status Change in ICR. */
    @Test
    void setLinkTakesTheLinkDownAndUp() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            Path qmp = dir.resolve("qmp.sock");
            List<String> args = guest("linkwatch=30000", "-qmp", "unix:" + qmp + ",server,nowait");
            args.addAll(tapNic(""));
            try (ModvmProcess p = start(ns, args);
                    QmpTestClient c = QmpTestClient.connect(qmp, p, RUN)) {
                c.negotiate();
                p.awaitOutput("e1000: watching the link, up", RUN);
                c.returned("set_link", Map.of("name", "net0", "up", false));
                p.awaitOutput("e1000: link down (LSC seen)", RUN);
                String info = (String) c.returned("human-monitor-command", Map.of("command-line", "info network"));
                assertTrue(info.contains("net0: index=0,type=nic,model=e1000,macaddr=" + MAC), info);
                assertTrue(info.contains("link down"), info);
                assertTrue(info.contains(" \\ n0: index=0,type=tap,ifname=tap0,script=no,downscript=no"), info);
                c.returned("set_link", Map.of("name", "n0", "up", true));
                p.awaitOutput("e1000: link up (LSC seen)", RUN);
                Object filter = c.returned("query-rx-filter", Map.of("name", "net0"));
                assertTrue(filter.toString().contains("main-mac=" + MAC), filter.toString());
            }
        }
    }

    /**
     * A driver that gives the device a transmit ring outside RAM, a tail past the ring, a buffer outside RAM and a
     * receive buffer outside RAM: each is ignored or dropped, the VMM logs it once, and once the rings are programmed
     * again the device works.
     */
    @Test
    void badRingsDoNotHurtTheVmm() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            List<String> args = guest("ping=2 badring=1");
            args.addAll(tapNic(""));
            try (ModvmProcess p = start(ns, args)) {
                assertExited(p);
                String out = p.stdout();
                assertTrue(out.contains("e1000: ring outside RAM: TDH 0"), out);
                assertTrue(out.contains("e1000: tail past the ring: TDH 0"), out);
                assertTrue(out.contains("e1000: buffer outside RAM: descriptor done"), out);
                assertTrue(out.contains("e1000: after bad rings: ping replies 3/3, descriptors handed back with an "
                        + "error 1"), out);
                String err = p.stderr();
                assertTrue(err.contains("transmit ring: descriptor 0 at 0x10000000000 is outside guest RAM"), err);
                assertTrue(err.contains("receive buffer: descriptor 0 points at 0xffffffff0000"), err);
                assertFalse(err.contains("Exception"), err);
            }
        }
    }

    /** QEMU's -nic form reaches the same device, with its MAC. */
    @Test
    void theNicOptionMakesAnE1000() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            List<String> args = guest("ping=3");
            args.addAll(List.of("-nic", "tap,ifname=tap0,script=no,downscript=no,model=e1000,mac=52:54:00:12:34:57"));
            try (ModvmProcess p = start(ns, args)) {
                assertExited(p);
                String out = p.stdout() + "\nstderr:\n" + p.stderr();
                assertTrue(out.contains("e1000: eeprom mac 52:54:00:12:34:57 checksum baba ok"), out);
                assertTrue(out.contains("net: ping replies 3/3"), out);
            }
        }
    }
}
