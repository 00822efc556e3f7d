package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backends as configurations, driven through the monitor as libvirt drives QEMU: block nodes added with
 * {@code blockdev-add} (a file node, a format node on it) and taken by a hot-added disk, HMP {@code drive_add} and
 * {@code drive_del}, and a chardev added with {@code chardev-add} for a hot-added console. A backend a device holds
 * cannot be removed; once the device is gone it can. The guest (guests/pci_watch.c) ejects what it is asked to.
 */
@Timeout(240)
class BackendsIT {
    private static final Duration SEEN = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void blockNodesAndChardevsComeAndGoThroughTheMonitor() throws Exception {
        DeviceTypes.assertInstalled("virtio-blk-pci", "virtconsole");
        Path disk = Files.write(dir.resolve("disk.raw"), new byte[64 * 512]);
        Path other = Files.write(dir.resolve("other.raw"), new byte[32 * 512]);
        Path out = dir.resolve("console.out");
        Path socket = dir.resolve("qmp.sock");
        try (ModvmProcess p = ModvmProcess.start("-kernel", Guests.build("pci_watch").toString(), "-m", "64",
                "-qmp", "unix:" + socket + ",server,nowait");
                QmpTestClient c = QmpTestClient.connect(socket, p, SEEN)) {
            c.negotiate();
            p.awaitOutput("pci: watching", SEEN);

            // libvirt's attach-disk: a file node, a qcow2/raw node on it, then the device.
            assertEquals(Map.of(), c.returned("blockdev-add", map("driver", "file", "filename", disk.toString(),
                    "node-name", "libvirt-1-storage", "auto-read-only", true, "discard", "unmap")));
            assertEquals(Map.of(), c.returned("blockdev-add", map("node-name", "libvirt-1-format", "read-only",
                    false, "driver", "raw", "file", "libvirt-1-storage")));
            assertEquals(Map.of(), c.returned("device_add", map("driver", "virtio-blk-pci", "drive",
                    "libvirt-1-format", "id", "virtio-disk1")));
            p.awaitOutput("acpi: added ", SEEN);
            assertTrue(LinuxHotplugIT.pciIds(c).contains("virtio-disk1"));
            assertError(c.execute("blockdev-del", map("node-name", "libvirt-1-format")),
                    "Node 'libvirt-1-format' is busy: device 'virtio-disk1' uses it");
            assertError(c.execute("blockdev-del", map("node-name", "libvirt-1-storage")),
                    "Node 'libvirt-1-storage' is busy: node 'libvirt-1-format' is built on it");
            assertError(c.execute("blockdev-add", map("driver", "raw", "node-name", "libvirt-1-format", "file",
                    "libvirt-1-storage")), "Duplicate ID 'libvirt-1-format' for drive");
            assertError(c.execute("blockdev-add", map("driver", "vmdk", "node-name", "x")),
                    "Unknown driver 'vmdk'; known types: drive, file, qcow2, raw");
            assertError(c.execute("device_add", map("driver", "virtio-blk-pci", "drive", "libvirt-1-format",
                    "id", "virtio-disk2")), "Drive 'libvirt-1-format' is already in use by another device");

            assertEquals(Map.of(), c.returned("device_del", map("id", "virtio-disk1")));
            LinuxHotplugIT.awaitDeleted(c, "virtio-disk1", SEEN);
            assertEquals(Map.of(), c.returned("blockdev-del", map("node-name", "libvirt-1-format")),
                    "a -blockdev node outlives its device");
            assertEquals(Map.of(), c.returned("blockdev-del", map("node-name", "libvirt-1-storage")));
            assertError(c.execute("blockdev-del", map("node-name", "libvirt-1-storage")),
                    "Failed to find node with node-name='libvirt-1-storage'");

            // HMP drive_add / drive_del, as QEMU's.
            assertEquals("OK\r\n", hmp(c, "drive_add 0 if=none,id=d3,file=" + other + ",format=raw"));
            assertEquals("", hmp(c, "device_add virtio-blk-pci,drive=d3,id=hd3"));
            assertTrue(LinuxHotplugIT.pciIds(c).contains("hd3"));
            assertTrue(hmp(c, "drive_add 0 if=virtio,file=" + other).contains("only if=none is supported"));

            // A chardev for a hot-added console.
            assertEquals(Map.of(), c.returned("chardev-add", map("id", "c1", "backend",
                    map("type", "file", "data", map("out", out.toString())))));
            assertEquals(Map.of(), c.returned("device_add", map("driver", "virtconsole", "chardev", "c1", "id",
                    "con1")));
            assertEquals(Map.of("frontend-open", true, "filename", "file:" + out, "label", "c1"),
                    chardev(c, "c1"));
            assertError(c.execute("chardev-remove", map("id", "c1")), "Chardev 'c1' is busy");
            assertError(c.execute("chardev-add", map("id", "c1", "backend", map("type", "null", "data",
                    map()))), "Duplicate ID 'c1' for chardev");
            assertEquals(Map.of(), c.returned("device_del", map("id", "con1")));
            LinuxHotplugIT.awaitDeleted(c, "con1", SEEN);
            assertEquals(false, chardev(c, "c1").get("frontend-open"));
            assertEquals(Map.of(), c.returned("chardev-remove", map("id", "c1")));
            assertError(c.execute("chardev-remove", map("id", "c1")), "Chardev 'c1' not found");
            assertTrue(Files.exists(out), "the chardev opened its file");

            assertEquals("running", ((Map<?, ?>) c.returned("query-status")).get("status"));
            c.execute("quit");
            assertEquals(0, p.waitFor(SEEN), "stderr:\n" + p.stderr());
        }
        assertFalse(Files.exists(socket), "the QMP socket is gone with modvm");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> chardev(QmpTestClient c, String label) throws Exception {
        for (Object o : (List<Object>) c.returned("query-chardev")) {
            Map<String, Object> m = (Map<String, Object>) o;
            if (label.equals(m.get("label"))) {
                return m;
            }
        }
        throw new AssertionError("no chardev " + label + " in query-chardev");
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    private static String hmp(QmpTestClient c, String line) throws Exception {
        return (String) c.returned("human-monitor-command", Map.of("command-line", line));
    }

    private static void assertError(Map<String, Object> answer, String description) {
        assertEquals(Map.of("class", "GenericError", "desc", description), answer.get("error"), "" + answer);
    }
}
