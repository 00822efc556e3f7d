package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PIIX IDE controller under a tiny guest (guests/ide.c): the PCI function QEMU's pc has, a disk driven by PIO
 * and by bus-master DMA ({@code -drive if=none -device ide-hd}), and an ISO made by xorriso read through ATAPI
 * PACKET ({@code ide-cd}). The host checks what the guest read against the image and what it wrote in the file.
 */
@Timeout(180)
class IdeIT {
    private static final Duration RUN = Duration.ofSeconds(120);
    private static final int SECTORS = 4096;

    @TempDir
    Path dir;

    @BeforeEach
    void installed() throws Exception {
        DeviceTypes.assertInstalled("ide-hd", "ide-cd");
    }

    private static String fnvOf(String out, int sector) {
        Matcher m = Pattern.compile("ide: sector " + sector + " fnv (0x\\p{XDigit}{8})").matcher(out);
        assertTrue(m.find(), "sector " + sector + ":\n" + out);
        return m.group(1);
    }

    @Test
    void aTinyGuestFindsTheFunctionAndMovesSectorsByPioAndDma() throws Exception {
        Path image = DiskImages.patterned(dir.resolve("disk.raw"), SECTORS);
        ModvmProcess p = ModvmProcess.runToEnd(RUN, "-kernel", Guests.build("ide").toString(), "-m", "64",
                "-device", VirtioGuests.DEBUG_EXIT, "-drive", "file=" + image + ",if=none,id=d0,format=raw",
                "-device", "ide-hd,drive=d0,bus=ide.0,unit=0");
        String out = p.stdout();
        assertEquals(Guests.status(0), p.exitValue(), out + "\nstderr:\n" + p.stderr());
        assertTrue(Pattern.compile("ide: 00:\\p{XDigit}{2}\\.\\d class 010180 bar4 io 1 size 16 enable 0x80 0x80")
                .matcher(out).find(), out);
        assertTrue(out.contains("ide: identify status 0x58 model 'QEMU HARDDISK' sectors " + SECTORS + " lba48 "
                + SECTORS), out);
        assertTrue(out.contains("ide: pio read 0..7 status 0x50"), out);
        for (int s = 0; s < 8; s++) {
            assertEquals(DiskImages.fnv(DiskImages.hostSector(s)), fnvOf(out, s), "sector " + s);
        }
        assertTrue(out.contains("ide: pio write 16..19 status 0x50"), out);
        assertTrue(out.contains("ide: dma write 20..23 status 0x50 bm 0x4"), out);
        assertTrue(out.contains("ide: dma read 16..19 status 0x50 bm 0x4"), out);
        assertTrue(out.contains("ide: pio read 20..23 status 0x50"), out);
        byte[] file = Files.readAllBytes(image);
        for (int s = 16; s < 24; s++) {
            assertEquals(DiskImages.fnv(DiskImages.guestSector(s)), fnvOf(out, s), "sector " + s + " read back");
            assertArrayEquals(DiskImages.guestSector(s), DiskImages.sector(file, s), "sector " + s + " on disk");
        }
        assertArrayEquals(DiskImages.hostSector(24), DiskImages.sector(file, 24), "nothing else was written");
        assertTrue(out.contains("ide: read past the end status 0x41 error 0x4"), out);
    }

    @Test
    void anIsoIsReadThroughAtapiPacketsByPioAndDma() throws Exception {
        IsoImages.assumeXorriso();
        Path content = Files.createDirectories(dir.resolve("iso"));
        Files.writeString(content.resolve("hello.txt"), "hello from the CD\n");
        Path iso = IsoImages.make(dir.resolve("cd.iso"), content, null);
        long blocks = Files.size(iso) / 2048;
        byte[] descriptor = Arrays.copyOfRange(Files.readAllBytes(iso), 16 * 2048, 17 * 2048);
        Path image = DiskImages.patterned(dir.resolve("disk.raw"), SECTORS);
        ModvmProcess p = ModvmProcess.runToEnd(RUN, "-kernel", Guests.build("ide").toString(), "-m", "64",
                "-append", "cd", "-device", VirtioGuests.DEBUG_EXIT,
                "-drive", "file=" + image + ",if=none,id=d0,format=raw", "-device", "ide-hd,drive=d0",
                "-drive", "file=" + iso + ",if=none,id=cd0,format=raw,readonly=on", "-device",
                "ide-cd,drive=cd0,bus=ide.1,unit=0");
        String out = p.stdout();
        assertEquals(Guests.status(0), p.exitValue(), out + "\nstderr:\n" + p.stderr());
        assertTrue(out.contains("ide: cd signature 0x14 0xeb"), out);
        assertTrue(out.contains("ide: inquiry 36 bytes type 5 'QEMU    QEMU DVD-ROM    '"), out);
        assertTrue(out.contains("ide: cd last lba " + (blocks - 1) + " size 2048"), out);
        String fnv = DiskImages.fnv(descriptor);
        assertTrue(out.contains("ide: cd pio read 16: 2048 bytes type 1 'CD001' fnv " + fnv), out);
        assertTrue(out.contains("ide: cd dma read 16 status 0x50 bm 0x4 fnv " + fnv), out);
    }

    /**
     * The ide bundle updated under a guest that reads the disk by DMA and PIO every 10 ms: the drive is parked, its
     * ports and PCI function handed to the new bundle's instance with its registers, and the guest's passes go on
     * reading what they read before.
     */
    @Test
    void updatingTheBundleUnderTheGuestKeepsTheDrive() throws Exception {
        Path home = DistributionCopy.in(dir);
        Path socket = dir.resolve("qmp.sock");
        Path image = DiskImages.patterned(dir.resolve("disk.raw"), SECTORS);
        try (ModvmProcess p = ModvmProcess.start(home, Map.of("MODVM_LOG", "info"), List.of(), "-kernel",
                Guests.build("ide").toString(), "-m", "64", "-append", "loop",
                "-drive", "file=" + image + ",if=none,id=d0,format=raw", "-device", "ide-hd,id=disk0,drive=d0",
                "-qmp", "unix:" + socket + ",server,nowait");
                QmpTestClient c = QmpTestClient.connect(socket, p, RUN)) {
            c.negotiate();
            p.awaitOutput("ide: pass 5 ok", RUN);
            Map<String, Object> update = new LinkedHashMap<>();
            update.put("bundle", "io.modvm.devices.emulated.ide");
            assertEquals("io.modvm.devices.emulated.ide",
                    ((Map<?, ?>) c.returned("__io.modvm_bundle-update", update)).get("bundle"));
            awaitTrue("the drive taken over", () -> p.stderr().contains("device disk0 taken over by a new ide-hd "
                    + "instance"), p);
            long passes = p.stdout().lines().filter(l -> l.contains("ide: pass")).count();
            awaitTrue("the passes go on", () -> p.stdout().lines().filter(l -> l.contains("ide: pass")).count()
                    >= passes + 5, p);
            assertFalse(p.stdout().contains("lost"), p.stdout());
            SwapEvents.awaitSwapped(c, "disk0", "ide-hd", true, "0.1.0.SNAPSHOT", RUN);
            SwapEvents.assertNoneDeleted(c);
            c.execute("quit");
            assertEquals(0, p.waitFor(RUN), "stderr:\n" + p.stderr());
        }
    }

    private static void awaitTrue(String what, java.util.function.BooleanSupplier condition, ModvmProcess p)
            throws Exception {
        long deadline = System.nanoTime() + RUN.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within " + RUN + ": " + what + "\nstdout:\n" + p.stdout() + "\nstderr:\n" + p.stderr());
            }
            Thread.sleep(100);
        }
    }
}
