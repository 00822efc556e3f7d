package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * QEMU's way to hot-add a disk: {@code -drive if=none,id=ID,...} at start, {@code device_add
 * virtio-blk-pci,drive=ID} later, under the PCI-watching tiny guest (guests/pci_watch.c), which ejects what it is
 * asked to. A drive serves one device, and goes with it, as QEMU's legacy drives do.
 */
@Timeout(180)
class DriveHotplugIT {
    private static final Duration SEEN = Duration.ofSeconds(60);

    @Test
    void deviceAddTakesADriveGivenAtStartOnceAndInQemusWords(@TempDir Path dir) throws Exception {
        DeviceTypes.assertInstalled("virtio-blk-pci");
        Path a = Files.write(dir.resolve("a.img"), new byte[64 * 512]);
        Path b = Files.write(dir.resolve("b.img"), new byte[32 * 512]);
        Path socket = dir.resolve("qmp.sock");
        try (ModvmProcess p = ModvmProcess.start("-kernel", Guests.build("pci_watch").toString(), "-m", "64",
                "-drive", "if=none,id=d1,file=" + a + ",format=raw",
                "-drive", "if=none,id=d2,file=" + b + ",format=raw", "-device", "virtio-blk-pci,drive=d2,id=cold",
                "-qmp", "unix:" + socket + ",server,nowait");
                QmpTestClient c = QmpTestClient.connect(socket, p, SEEN)) {
            c.negotiate();
            p.awaitOutput("pci: watching", SEEN);

            assertEquals("", hmp(c, "device_add virtio-blk-pci,drive=d1,id=hd1"));
            assertTrue(LinuxHotplugIT.pciIds(c).contains("hd1"), "query-pci: " + LinuxHotplugIT.pciIds(c));
            p.awaitOutput("acpi: added ", SEEN);
            assertTrue(hmp(c, "info pci").contains("id \"hd1\""), hmp(c, "info pci"));

            assertError(c.execute("device_add", Map.of("driver", "virtio-blk-pci", "drive", "d1", "id", "hd2")),
                    "Drive 'd1' is already in use by another device");
            assertError(c.execute("device_add", Map.of("driver", "virtio-blk-pci", "drive", "d2", "id", "hd3")),
                    "Drive 'd2' is already in use by another device");
            assertError(c.execute("device_add", Map.of("driver", "virtio-blk-pci", "drive", "nope", "id", "hd4")),
                    "Property 'virtio-blk-pci.drive' can't find value 'nope'");
            assertEquals("Error: Property 'virtio-blk-pci.drive' can't find value 'nope'\r\n",
                    hmp(c, "device_add virtio-blk-pci,drive=nope,id=hd5"));

            assertEquals(Map.of(), c.returned("device_del", Map.of("id", "hd1")));
            LinuxHotplugIT.awaitDeleted(c, "hd1", SEEN);
            assertFalse(LinuxHotplugIT.pciIds(c).contains("hd1"));
            // QEMU deletes a -drive's drive with the device that took it.
            assertError(c.execute("device_add", Map.of("driver", "virtio-blk-pci", "drive", "d1", "id", "hd1")),
                    "Property 'virtio-blk-pci.drive' can't find value 'd1'");
            // file= beside drive= names the image itself, as modvm's blk factory takes it
            assertEquals(Map.of(), c.returned("device_add", Map.of("driver", "virtio-blk-pci", "drive", "d1",
                    "id", "hd6", "file", a.toString())));
            assertTrue(LinuxHotplugIT.pciIds(c).containsAll(java.util.List.of("cold", "hd6")),
                    "query-pci: " + LinuxHotplugIT.pciIds(c));
            assertEquals("running", ((Map<?, ?>) c.returned("query-status")).get("status"));
            c.execute("quit");
            assertEquals(0, p.waitFor(SEEN), "stderr:\n" + p.stderr());
        }
    }

    private static String hmp(QmpTestClient c, String line) throws Exception {
        return (String) c.returned("human-monitor-command", Map.of("command-line", line));
    }

    private static void assertError(Map<String, Object> answer, String description) {
        assertEquals(Map.of("class", "GenericError", "desc", description), answer.get("error"), "" + answer);
    }
}
