package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ACPI PCI hotplug of a virtio-blk under the real Linux kernel, judged from what the kernel prints and from QMP,
 * with no guest command (docs/kvm-hosts.md: no user space on a PVM host). The default guest kernel with the
 * pause-loop /init; one boot for everything, since a boot costs minutes here.
 */
class LinuxHotplugIT {
    private static final Duration BOOT = Duration.ofMinutes(10);
    /** The guest's acpiphp reacts to the GPE on its own; measured here: the disk is probed about 4 s after device_add. */
    private static final Duration SEEN = Duration.ofMinutes(5);
    private static final long FIRST_SECTORS = 50000;
    private static final long SECOND_SECTORS = 30000;
    /** A disk plugged at start, so that the hot-added one is the guest's second disk, vdb. */
    private static final long RESIDENT_SECTORS = 4096;
    /** virtio_blk's probe line: {@code virtio_blk virtio1: [vdb] 50000 512-byte logical blocks (25.6 MB/24.4 MiB)}. */
    private static final Pattern PROBED =
            Pattern.compile("virtio_blk (virtio\\d+): \\[(vd[a-z]+)\\] (\\d+) 512-byte logical blocks");

    private static Path rawImage(Path dir, String name, long sectors) throws Exception {
        Path image = dir.resolve(name);
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {0}), sectors * 512 - 1);
        }
        return image;
    }

    @Test
    @Timeout(1500)
    void deviceAddOfVirtioBlkIsProbedWithItsCapacityAndDeviceDelRemovesIt(@TempDir Path dir) throws Exception {
        Path first = rawImage(dir, "first.img", FIRST_SECTORS);
        Path second = rawImage(dir, "second.img", SECOND_SECTORS);
        Path resident = rawImage(dir, "resident.img", RESIDENT_SECTORS);
        Path qmpSocket = dir.resolve("qmp.sock");
        long start = System.nanoTime();
        // Info level: the machine logs the guest's eject (_EJ0) of the slot.
        try (ModvmProcess p = ModvmProcess.start(Map.of("MODVM_LOG", "info"), List.of(),
                "-m", "256", "-no-reboot",
                "-initrd", LinuxGuest.file("initramfs-pause.cpio").toString(),
                "-append", "console=ttyS0",
                "-drive", "file=" + resident + ",if=virtio,format=raw",
                "-drive", "if=none,id=d1,file=" + first + ",format=raw",
                "-qmp", "unix:" + qmpSocket + ",server,nowait")) {
            p.awaitOutput("Run /init as init process", BOOT);
            p.awaitOutput("acpiphp: Slot [", Duration.ofMinutes(1)); // printed before /init: the slots are there
            long booted = System.nanoTime();
            Matcher boot = PROBED.matcher(p.stdout());
            assertTrue(boot.find() && boot.group(2).equals("vda")
                    && Long.parseLong(boot.group(3)) == RESIDENT_SECTORS && !boot.find(),
                    "only the resident disk before device_add:\n" + p.stdout());

            try (QmpTestClient c = QmpTestClient.connect(qmpSocket, p, Duration.ofSeconds(30))) {
                c.negotiate();
                // QEMU's form: a -drive if=none given at start, taken by device_add ...,drive=ID.
                int mark = p.stdout().length();
                long added = System.nanoTime();
                assertEquals(Map.of(), c.returned("device_add",
                        Map.of("driver", "virtio-blk-pci", "drive", "d1", "id", "hd1")));
                assertTrue(pciIds(c).contains("hd1"), "query-pci: " + pciIds(c));
                Matcher probe = awaitKernel(p, mark, PROBED, "virtio_blk probing the hot-added disk");
                long probed = System.nanoTime();
                String disk = probe.group(2);
                String virtio = probe.group(1);
                assertEquals(FIRST_SECTORS, Long.parseLong(probe.group(3)), "the image's exact capacity");
                String sinceAdd = p.stdout().substring(mark);
                assertTrue(sinceAdd.matches("(?s).*pci 0000:00:\\p{XDigit}{2}\\.0: \\[1af4:1001\\] type 00 class.*"),
                        "the kernel enumerated the new function itself, with no rescan asked for:\n" + sinceAdd);
                assertEquals("vdb", disk, "a new disk next to the resident vda:\n" + sinceAdd);

                // QEMU deletes a -drive's drive with its device: the drive is not there for a second device.
                Map<String, Object> again = c.execute("device_add",
                        Map.of("driver", "virtio-blk-pci", "drive", "d1", "id", "hd9"));
                assertEquals(Map.of("class", "GenericError",
                        "desc", "Drive 'd1' is already in use by another device"), again.get("error"), "" + again);

                // device_del asks the guest to eject (Notify 3 on the slot). Linux 6.1 prints nothing when acpiphp
                // removes a virtio-blk (pci_stop_and_remove_bus_device, virtblk_remove and del_gendisk are silent),
                // so the removal is judged from what only follows it: acpiphp calls the slot's _EJ0 after it has
                // stopped and removed the function, which the machine logs and answers with DEVICE_DELETED;
                // query-pci no longer lists the device; and the disk name and virtio index the kernel frees only
                // when the old disk and device are released come back for the next disk in that slot.
                int beforeDel = p.stdout().length();
                long deleting = System.nanoTime();
                assertEquals(Map.of(), c.returned("device_del", Map.of("id", "hd1")));
                awaitDeleted(c, "hd1", SEEN);
                long deleted = System.nanoTime();
                p.awaitError("(hd1) ejected: the guest ejected it", SEEN); // the guest's own _EJ0 removed it
                assertFalse(pciIds(c).contains("hd1"), "query-pci: " + pciIds(c));
                String duringDel = p.stdout().substring(beforeDel);
                assertFalse(duringDel.contains("Call Trace") || duringDel.contains("BUG:"), duringDel);

                int mark2 = p.stdout().length();
                assertEquals(Map.of(), c.returned("device_add", Map.of("driver", "virtio-blk-pci", "id", "hd2",
                        "file", second.toString(), "format", "raw")));
                Matcher reprobe = awaitKernel(p, mark2, PROBED, "virtio_blk probing the second disk");
                assertEquals(SECOND_SECTORS, Long.parseLong(reprobe.group(3)), "the second image's capacity");
                assertEquals(disk + " " + virtio, reprobe.group(2) + " " + reprobe.group(1),
                        "the kernel had released the first disk (else the new one is vdc on the next virtio "
                                + "index):\n" + p.stdout().substring(mark2));

                System.out.println("LinuxHotplugIT: the kernel from the first device_add on:\n"
                        + p.stdout().substring(mark));
                System.out.printf("LinuxHotplugIT: Run /init after %d s; device_add to [%s] probed %d ms; "
                        + "device_del to DEVICE_DELETED %d ms%n", (booted - start) / 1_000_000_000,
                        disk, (probed - added) / 1_000_000, (deleted - deleting) / 1_000_000);
                c.execute("quit");
                assertEquals(0, p.waitFor(Duration.ofSeconds(60)), "stderr:\n" + p.stderr());
            }
        }
    }

    /** Waits until the kernel prints a line matching {@code pattern} after offset {@code from} of its output. */
    private static Matcher awaitKernel(ModvmProcess p, int from, Pattern pattern, String what) throws Exception {
        long deadline = System.nanoTime() + SEEN.toNanos();
        while (true) {
            Matcher m = pattern.matcher(p.stdout().substring(from));
            if (m.find()) {
                return m;
            }
            if (System.nanoTime() > deadline || !p.isAlive()) {
                fail("no " + what + " within " + SEEN + "; kernel since then:\n" + p.stdout().substring(from)
                        + "\nstderr:\n" + p.stderr());
            }
            Thread.sleep(200);
        }
    }

    /** Waits for QEMU's DEVICE_DELETED of {@code id}, polling with query-status (which reads the events). */
    static void awaitDeleted(QmpTestClient c, String id, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!deleted(c).contains(id)) {
            if (System.nanoTime() > deadline) {
                fail("no DEVICE_DELETED for " + id + " within " + timeout + "; events: " + c.events());
            }
            Thread.sleep(200);
            c.returned("query-status"); // reads the events that came meanwhile
        }
    }

    /** The devices DEVICE_DELETED named so far. */
    static List<Object> deleted(QmpTestClient c) {
        return c.events().stream().filter(e -> "DEVICE_DELETED".equals(e.get("event")))
                .map(e -> ((Map<?, ?>) e.get("data")).get("device")).map(Object.class::cast).toList();
    }

    /** The qdev ids query-pci lists. */
    @SuppressWarnings("unchecked")
    static List<String> pciIds(QmpTestClient c) throws Exception {
        List<String> ids = new ArrayList<>();
        for (Object bus : (List<Object>) c.returned("query-pci")) {
            for (Object d : (List<Object>) ((Map<String, Object>) bus).get("devices")) {
                ids.add((String) ((Map<String, Object>) d).get("qdev_id"));
            }
        }
        return ids;
    }
}
