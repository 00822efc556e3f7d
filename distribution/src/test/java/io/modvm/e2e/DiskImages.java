package io.modvm.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Disk images for the virtio-blk guest (guests/virtio_blk.c) and the patterns both sides agree on: what the host
 * puts in a sector, what the guest writes, and the FNV-1a checksum the guest prints.
 */
final class DiskImages {
    static final int SECTOR = 512;

    private DiskImages() {
    }

    /** Sector s of an image the host fills: byte i is (s * 13 + i * 5) ^ (i >> 3). */
    static byte[] hostSector(long s) {
        byte[] out = new byte[SECTOR];
        for (int i = 0; i < SECTOR; i++) {
            out[i] = (byte) ((s * 13 + i * 5) ^ (i >> 3));
        }
        return out;
    }

    /** Sector s as the guest writes it: byte i is s * 31 + i * 7 (guests/virtio_blk.c). */
    static byte[] guestSector(long s) {
        byte[] out = new byte[SECTOR];
        for (int i = 0; i < SECTOR; i++) {
            out[i] = (byte) (s * 31 + i * 7);
        }
        return out;
    }

    /** A raw image of {@code sectors} host-filled sectors. */
    static Path patterned(Path file, int sectors) throws IOException {
        byte[] data = new byte[sectors * SECTOR];
        for (int s = 0; s < sectors; s++) {
            System.arraycopy(hostSector(s), 0, data, s * SECTOR, SECTOR);
        }
        return Files.write(file, data);
    }

    static byte[] sector(byte[] image, long s) {
        byte[] out = new byte[SECTOR];
        System.arraycopy(image, (int) (s * SECTOR), out, 0, SECTOR);
        return out;
    }

    /** The guest's checksum, FNV-1a 32-bit, as it prints it ("0x%08x"). */
    static String fnv(byte[] bytes) {
        int h = 0x811c9dc5;
        for (byte b : bytes) {
            h = (h ^ (b & 0xFF)) * 16777619;
        }
        return String.format("0x%08x", h);
    }

    /** Skips the test unless qemu-img runs. */
    static void assumeQemuImg() {
        boolean ok;
        try {
            ok = run(List.of("qemu-img", "--version")).exit == 0;
        } catch (IOException e) {
            ok = false;
        }
        assumeTrue(ok, "qemu-img is not installed (Debian package qemu-utils); the qcow2 tests need it");
    }

    record Result(int exit, String output) {
    }

    static Result qemuImg(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("qemu-img");
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    private static Result run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " did not end within 60 s:\n" + out);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running " + String.join(" ", cmd), e);
        }
        return new Result(p.exitValue(), out);
    }
}
