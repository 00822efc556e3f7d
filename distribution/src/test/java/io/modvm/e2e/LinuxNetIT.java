package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Linux kernel's network drivers on modvm's NICs, judged from what the kernel prints and answers: it
 * configures its own address from the command line ({@code ip=}, no user space needed), and the host pings it from
 * the network namespace the test makes. The kernel answers ICMP itself, so this works on a software KVM too.
 */
class LinuxNetIT {
    private static final Duration BOOT = Duration.ofMinutes(10);
    static final String GUEST_IP = "10.0.2.15";
    static final String IP_CONFIG = "ip=" + GUEST_IP + "::10.0.2.1:255.255.255.0::eth0:off";

    /** Boots the default guest kernel (the initramfs whose init waits) with {@code nic} inside {@code ns}. */
    static ModvmProcess boot(NetNamespace ns, String append, String... nic) throws Exception {
        List<String> args = new ArrayList<>(List.of("-m", "256", "-no-reboot",
                "-initrd", LinuxGuest.file("initramfs-pause.cpio").toString(), "-append", append));
        args.addAll(List.of(nic));
        return ModvmProcess.start(Map.of(), ns.prefix(), args.toArray(String[]::new));
    }

    /** Pings the guest from the namespace until it answers three times in a row, or the deadline passes. */
    static String pingUntilAnswered(NetNamespace ns, String address, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        NetNamespace.Result last;
        do {
            last = ns.tryRun("busybox", "ping", "-c", "3", "-W", "5", address);
            if (last.output().contains("3 packets received")) {
                return last.output();
            }
        } while (System.nanoTime() < deadline);
        return last.output();
    }

    @Test
    @Timeout(900)
    void virtioNetConfiguresItsAddressAndAnswersPings() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            try (ModvmProcess p = boot(ns, "console=ttyS0 " + IP_CONFIG,
                    "-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no,vnet_hdr=on",
                    "-device", "virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56")) {
                p.awaitOutput("Run /init as init process", BOOT);
                String log = p.stdout();
                assertTrue(log.contains("device=eth0, hwaddr=52:54:00:12:34:56, ipaddr=" + GUEST_IP), log);
                String ping = pingUntilAnswered(ns, GUEST_IP, Duration.ofMinutes(2));
                assertTrue(ping.contains("3 packets received"), ping + "\nguest:\n" + p.stdout());
                String big = ns.run("busybox", "ping", "-c", "2", "-W", "10", "-s", "8000", GUEST_IP);
                assertTrue(big.contains("2 packets received"), "8000-byte pings, IP-fragmented: " + big);
            }
        }
    }

    /**
     * A NIC hot-added while the kernel boots (after its ACPI hotplug slots are up, before it configures its network)
     * is probed through ACPI hotplug and configured by ip=; it answers pings; device_del ejects it through the
     * guest, after which its netdev can be deleted and nothing answers any more.
     */
    @Test
    @Timeout(900)
    void aHotAddedNicIsConfiguredAnswersAndLeavesOnDeviceDel(@TempDir Path dir) throws Exception {
        Path qmp = dir.resolve("qmp.sock");
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            List<String> args = new ArrayList<>(List.of("-m", "256", "-no-reboot",
                    "-initrd", LinuxGuest.file("initramfs-pause.cpio").toString(),
                    "-append", "console=ttyS0 " + IP_CONFIG, "-qmp", "unix:" + qmp + ",server,nowait"));
            try (ModvmProcess p = ModvmProcess.start(Map.of("MODVM_LOG", "info"), ns.prefix(),
                    args.toArray(String[]::new))) {
                p.awaitOutput("acpiphp: Slot [", BOOT);
                try (QmpTestClient c = QmpTestClient.connect(qmp, p, Duration.ofSeconds(30))) {
                    c.negotiate();
                    assertEquals(Map.of(), c.returned("netdev_add", Map.of("type", "tap", "id", "n1",
                            "ifname", "tap0", "script", "no", "downscript", "no")));
                    assertEquals(Map.of(), c.returned("device_add", Map.of("driver", "virtio-net-pci",
                            "id", "hot0", "netdev", "n1", "mac", "52:54:00:12:34:57")));
                    p.awaitOutput("Run /init as init process", BOOT);
                    assertTrue(p.stdout().contains("device=eth0, hwaddr=52:54:00:12:34:57, ipaddr=" + GUEST_IP),
                            p.stdout());
                    String ping = pingUntilAnswered(ns, GUEST_IP, Duration.ofMinutes(2));
                    assertTrue(ping.contains("3 packets received"), ping + "\nguest:\n" + p.stdout());

                    Map<String, Object> busy = c.execute("netdev_del", Map.of("id", "n1"));
                    assertTrue(String.valueOf(busy.get("error")).contains("n1"), "in use: " + busy);
                    assertEquals(Map.of(), c.returned("device_del", Map.of("id", "hot0")));
                    LinuxHotplugIT.awaitDeleted(c, "hot0", Duration.ofMinutes(5));
                    p.awaitError("(hot0) ejected: the guest ejected it", Duration.ofMinutes(1));
                    assertFalse(LinuxHotplugIT.pciIds(c).contains("hot0"));
                    assertEquals(Map.of(), c.returned("netdev_del", Map.of("id", "n1")));
                    NetNamespace.Result gone = ns.tryRun("busybox", "ping", "-c", "2", "-W", "2", GUEST_IP);
                    assertTrue(gone.output().contains("0 packets received"), gone.output());
                }
            }
        }
    }
}
