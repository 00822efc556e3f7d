package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Linux's own e1000 driver against modvm's e1000, on a tap in a network namespace the test makes: the kernel probes
 * the device (the MAC from the EEPROM, the bus from STATUS), brings the link up through the PHY, configures the
 * address from {@code ip=} before /init, and answers the host's pings itself, so no user space is needed (a PVM
 * host cannot run any). Its interrupts arrive on INTA#, routed by the DSDT's {@code _PRT}.
 */
class LinuxE1000IT {
    private static final Duration BOOT = Duration.ofMinutes(10);
    private static final String MAC = "52:54:00:12:34:56";

    @Test
    @Timeout(900)
    void theKernelsE1000DriverProbesBringsTheLinkUpAndAnswersPings() throws Exception {
        DeviceTypes.assertInstalled("e1000");
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            try (ModvmProcess p = ModvmProcess.start(Map.of(), ns.prefix(), "-m", "256", "-no-reboot",
                    "-initrd", LinuxGuest.file("initramfs-pause.cpio").toString(),
                    "-append", "console=ttyS0 ip=10.0.2.15::10.0.2.1:255.255.255.0::eth0:off",
                    "-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
                    "-device", "e1000,netdev=n0,mac=" + MAC)) {
                p.awaitOutput("Run /init as init process", BOOT);
                String log = p.stdout();
                assertTrue(log.contains("[8086:100e] type 00 class 0x020000"), "enumerated:\n" + log);
                assertTrue(Pattern.compile("e1000 0000:00:0\\p{XDigit}\\.0 eth0: \\(PCI:33MHz:32-bit\\) " + MAC)
                        .matcher(log).find(), "the driver read the MAC from the EEPROM and the bus from STATUS:\n"
                        + log);
                assertTrue(log.contains("e1000: eth0 NIC Link is Up 1000 Mbps Full Duplex"), log);
                assertTrue(log.contains("device=eth0, hwaddr=" + MAC + ", ipaddr=10.0.2.15"), log);
                String small = ns.run("busybox", "ping", "-c", "5", "-W", "10", "10.0.2.15");
                assertTrue(small.contains("5 packets received"), small + "\nguest:\n" + p.stdout());
                String large = ns.run("busybox", "ping", "-c", "3", "-W", "10", "-s", "1400", "10.0.2.15");
                assertTrue(large.contains("3 packets received"), large);
                List<String> errors = p.stdout().lines().filter(l -> l.contains("e1000") && (l.contains("Hang")
                        || l.contains("Reset adapter") || l.contains("nobody cared"))).toList();
                assertTrue(errors.isEmpty(), "the driver saw no hang: " + errors);
            }
        }
    }

    /** QEMU's {@code -netdev user,id=u0 -device e1000,netdev=u0}: the kernel's DHCP client gets libslirp's lease. */
    @Test
    @Timeout(900)
    void onUserModeNetworkingTheKernelGetsItsAddressByDhcp() throws Exception {
        DeviceTypes.assertInstalled("e1000");
        try (ModvmProcess p = ModvmProcess.start(Map.of(), List.of(), "-m", "256", "-no-reboot",
                "-initrd", LinuxGuest.file("initramfs-pause.cpio").toString(), "-append", "console=ttyS0 ip=dhcp",
                "-netdev", "user,id=u0", "-device", "e1000,netdev=u0,mac=" + MAC)) {
            p.awaitOutput("Run /init as init process", BOOT);
            String log = p.stdout();
            assertTrue(log.contains("e1000: eth0 NIC Link is Up 1000 Mbps Full Duplex"), log);
            assertTrue(log.contains("IP-Config: Got DHCP answer from 10.0.2.2, my address is 10.0.2.15"), log);
            assertTrue(log.contains("device=eth0, hwaddr=" + MAC + ", ipaddr=10.0.2.15"), log);
        }
    }

    /**
     * An e1000 hot-added while the kernel boots is probed through ACPI hotplug, gets its INTx line from the _PRT
     * entry of a slot that was empty at boot, is configured by ip= and answers pings; device_del ejects it through
     * the guest, and then nothing answers.
     */
    @Test
    @Timeout(900)
    void aHotAddedE1000AnswersAndLeavesOnDeviceDel(@TempDir Path dir) throws Exception {
        DeviceTypes.assertInstalled("e1000");
        Path qmp = dir.resolve("qmp.sock");
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            List<String> args = new ArrayList<>(List.of("-m", "256", "-no-reboot",
                    "-initrd", LinuxGuest.file("initramfs-pause.cpio").toString(),
                    "-append", "console=ttyS0 " + LinuxNetIT.IP_CONFIG, "-qmp", "unix:" + qmp + ",server,nowait"));
            try (ModvmProcess p = ModvmProcess.start(Map.of("MODVM_LOG", "info"), ns.prefix(),
                    args.toArray(String[]::new))) {
                p.awaitOutput("acpiphp: Slot [", BOOT);
                try (QmpTestClient c = QmpTestClient.connect(qmp, p, Duration.ofSeconds(30))) {
                    c.negotiate();
                    assertEquals(Map.of(), c.returned("netdev_add", Map.of("type", "tap", "id", "n1",
                            "ifname", "tap0", "script", "no", "downscript", "no")));
                    assertEquals(Map.of(), c.returned("device_add", Map.of("driver", "e1000",
                            "id", "hot0", "netdev", "n1", "mac", MAC)));
                    p.awaitOutput("Run /init as init process", BOOT);
                    String log = p.stdout();
                    assertTrue(log.contains("e1000: eth0 NIC Link is Up 1000 Mbps Full Duplex"), log);
                    assertTrue(log.contains("device=eth0, hwaddr=" + MAC + ", ipaddr=" + LinuxNetIT.GUEST_IP), log);
                    String ping = LinuxNetIT.pingUntilAnswered(ns, LinuxNetIT.GUEST_IP, Duration.ofMinutes(2));
                    assertTrue(ping.contains("3 packets received"), ping + "\nguest:\n" + p.stdout());

                    assertEquals(Map.of(), c.returned("device_del", Map.of("id", "hot0")));
                    LinuxHotplugIT.awaitDeleted(c, "hot0", Duration.ofMinutes(5));
                    p.awaitError("(hot0) ejected: the guest ejected it", Duration.ofMinutes(1));
                    assertFalse(LinuxHotplugIT.pciIds(c).contains("hot0"));
                    assertEquals(Map.of(), c.returned("netdev_del", Map.of("id", "n1")));
                    NetNamespace.Result gone = ns.tryRun("busybox", "ping", "-c", "2", "-W", "2",
                            LinuxNetIT.GUEST_IP);
                    assertTrue(gone.output().contains("0 packets received"), gone.output());
                }
            }
        }
    }
}
