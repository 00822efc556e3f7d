package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
}
