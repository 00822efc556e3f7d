package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The legacy interface of a transitional virtio-rng-pci, register by register, from a tiny guest
 * (guests/virtio_legacy.c) that drives it as a pre-virtio-1.0 driver does.
 */
@Timeout(120)
class VirtioLegacyIT {
    @BeforeEach
    void deviceInstalled() throws Exception {
        DeviceTypes.assertInstalled("virtio-rng-pci");
    }

    private static void assertLine(String out, String line) {
        assertTrue(out.lines().anyMatch(l -> l.strip().equals(line)), "no line '" + line + "' in:\n" + out);
    }

    private static void assertRegisters(String out) {
        assertTrue(Pattern.compile("legacy: found \\p{XDigit}{2}\\.0 rev 0 subsystem 1af4:0004").matcher(out).find(),
                "a transitional function: revision 0, the device type as subsystem ID:\n" + out);
        assertLine(out, "legacy: bar0 io size 32");
        assertLine(out, "legacy: status 3");
        Matcher host = Pattern.compile("legacy: host features (\\p{XDigit}{8})").matcher(out);
        assertTrue(host.find(), out);
        assertLine(out, "legacy: guest features " + host.group(1));
        assertLine(out, "legacy: queue 1 size 0");
        assertLine(out, "legacy: select 0");
        Matcher size = Pattern.compile("legacy: queue 0 size (\\d+) \\(read-only: (\\d+)\\)").matcher(out);
        assertTrue(size.find(), out);
        assertEquals(size.group(1), size.group(2), "the queue size is read-only");
        assertTrue(Integer.parseInt(size.group(1)) > 0, out);
        assertLine(out, "legacy: pfn ok");
        assertLine(out, "legacy: status 7");
        assertTrue(Pattern.compile("legacy: rng returned ([1-9]|[1-5]\\d|6[0-4]) bytes").matcher(out).find(),
                "data moved through the legacy ring:\n" + out);
        assertLine(out, "legacy: isr 1 then 0");
        assertLine(out, "legacy: queue 9 size 0");
        assertLine(out, "legacy: queue 9 pfn 0");
        assertLine(out, "legacy: live queue pfn kept");
        assertTrue(Pattern.compile("legacy: after mistakes rng returned ([1-9]|[1-5]\\d|6[0-4]) bytes").matcher(out)
                .find(), "the device still serves after the guest's mistakes:\n" + out);
        assertLine(out, "legacy: vectors config 0 queue 1 beyond ffff");
        assertLine(out, "legacy: reset status 0 pfn 0");
        assertLine(out, "legacy: done");
    }

    @Test
    void aTransitionalDevicesLegacyRegistersWork() throws Exception {
        ModvmProcess p = VirtioGuests.runToExit("virtio_legacy", "-device", "virtio-rng-pci");
        assertRegisters(p.stdout());
    }

    @Test
    void aLegacyOnlyDeviceTakesItsKicksThroughThePortBinding() throws Exception {
        ModvmProcess p = VirtioGuests.runToExit("virtio_legacy", "-device", "virtio-rng-pci,disable-modern=on");
        assertRegisters(p.stdout());
    }

    @Test
    void withDisableLegacyTheFunctionIsModernOnly() throws Exception {
        ModvmProcess p = ModvmProcess.runToEnd(VirtioGuests.RUN, "-kernel", Guests.build("virtio_legacy").toString(),
                "-device", VirtioGuests.DEBUG_EXIT, "-device", "virtio-rng-pci,disable-legacy=on");
        assertEquals(Guests.status(1), p.exitValue(), p.stdout() + p.stderr());
        assertLine(p.stdout(), "legacy: no transitional virtio-rng");
    }
}
