package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code announce-self} and HMP {@code announce_self}: each NIC chosen sends QEMU's RARP from its own address into
 * its backend, once per round, whoever moves its datapath; the guest need not run (the machine here never starts
 * its vCPUs), since the VMM sends the frame. Seen with tcpdump on the host's taps.
 */
class AnnounceSelfIT {
    private static final Duration SEEN = Duration.ofSeconds(60);
    private static final String VIRTIO_MAC = "52:54:00:12:34:56";
    private static final String E1000_MAC = "52:54:00:ab:cd:ef";

    @TempDir
    Path dir;
    private NetNamespace ns;
    private ModvmProcess modvm;
    private QmpTestClient c;

    /** A machine that never runs its vCPUs, with a virtio-net NIC on tap0 and an e1000 on tap1. */
    @BeforeEach
    void start() throws Exception {
        ns = NetNamespace.create();
        ns.addTap("tap0", "10.0.2.1/24", false);
        ns.addTap("tap1", "10.0.3.1/24", false);
        Path qmp = dir.resolve("qmp.sock");
        modvm = ModvmProcess.start(Map.of(), ns.prefix(), "-S", "-kernel", Guests.build("hello").toString(),
        "-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
        "-device", "virtio-net-pci,id=net0,netdev=n0,mac=" + VIRTIO_MAC,
        "-netdev", "tap,id=n1,ifname=tap1,script=no,downscript=no",
        "-device", "e1000,id=net1,netdev=n1,mac=" + E1000_MAC,
        "-qmp", "unix:" + qmp + ",server,nowait");
        c = QmpTestClient.connect(qmp, modvm, SEEN);
        c.negotiate();
    }

    @AfterEach
    void stop() throws Exception {
        if (c != null) {
            c.close();
        }
        if (modvm != null) {
            modvm.close();
        }
        if (ns != null) {
            ns.close();
        }
    }

    @Test
    void everyNicSendsARarpFromItsAddressEachRound() throws Exception {
        NetNamespace.Peer virtio = ns.capture("tap0", 3, "ether", "proto", "0x8035");
        NetNamespace.Peer e1000 = ns.capture("tap1", 3, "ether", "proto", "0x8035");
        assertEquals(Map.of(), c.returned("announce-self",
                Map.of("initial", 50L, "max", 200L, "rounds", 3L, "step", 50L)));
        assertRarps(virtio.awaitEnd(30), VIRTIO_MAC, 3);
        assertRarps(e1000.awaitEnd(30), E1000_MAC, 3);
    }

    @Test
    void theHumanMonitorAnnouncesOnlyTheNicsNamed() throws Exception {
        NetNamespace.Peer virtio = ns.capture("tap0", 1, "ether", "proto", "0x8035");
        NetNamespace.Peer e1000 = ns.capture("tap1", 5, "ether", "proto", "0x8035");
        assertEquals("", c.returned("human-monitor-command", Map.of("command-line", "announce_self net1")));
        // QEMU's default timing: five rounds within 50 + 150 + 250 + 350 ms
        assertRarps(e1000.awaitEnd(30), E1000_MAC, 5);
        Thread.sleep(500);
        virtio.kill();
        assertRarps(virtio.output(), VIRTIO_MAC, 0);
    }

    @Test
    void badTimingIsRefusedInOneLine() throws Exception {
        assertError(c, Map.of("initial", 50L, "max", 550L, "rounds", 5L),
                "Parameter 'step' is missing");
        assertError(c, Map.of("initial", 50L, "max", 550L, "rounds", -1L, "step", 100L),
                "Parameter 'rounds' expects a value between 0 and 1000");
        assertError(c, Map.of("initial", 50L, "max", 550L, "rounds", 5L, "step", 100L, "interfaces", "net0"),
                "Invalid parameter type for 'interfaces', expected: array");
        String hmp = (String) c.returned("human-monitor-command",
                Map.of("command-line", "announce_self net0 id extra"));
        assertEquals("announce_self: too many arguments; give [interfaces] [id], e.g. announce_self net0,net1 "
                + "my-id", hmp.lines().findFirst().orElse(""), hmp);
    }

    private static void assertError(QmpTestClient c, Map<String, Object> arguments, String description)
            throws Exception {
        Map<String, Object> answer = c.execute("announce-self", arguments);
        Map<?, ?> error = (Map<?, ?>) answer.get("error");
        assertTrue(error != null, answer.toString());
        assertEquals("GenericError", error.get("class"), answer.toString());
        assertEquals(description, error.get("desc"));
    }

    /** tcpdump's lines: {@code count} RARP requests, broadcast from {@code mac}, 60 bytes, asking for {@code mac}. */
    private static void assertRarps(String capture, String mac, int count) {
        Matcher m = Pattern.compile(Pattern.quote(mac) + " > ff:ff:ff:ff:ff:ff, ethertype Reverse ARP \\(0x8035\\), "
                + "length 60: Reverse Request who-is " + Pattern.quote(mac) + " tell " + Pattern.quote(mac))
                .matcher(capture);
        int found = 0;
        while (m.find()) {
            found++;
        }
        assertEquals(count, found, capture);
        assertEquals(count, capture.lines().filter(l -> l.contains("0x8035")).count(), capture);
    }
}
