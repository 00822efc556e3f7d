package io.modvm.testkit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes partitioned disk images with the system's tools, as users' images are made, without root or loop devices:
 * file systems made into files ({@code mke2fs -d}, {@code mkfs.vfat} and mtools' {@code mcopy}), then copied to
 * their partitions' offsets in a disk whose table {@code sfdisk} wrote. For tests of boot sources and of guests that
 * boot from a disk. A test whose tool is missing is skipped, with the reason printed.
 */
public final class DiskTools {
    /** The GPT type of a Linux file system partition. */
    public static final String LINUX_GUID = "0FC63DAF-8483-4772-8E79-3D69D8477DE4";
    /** The GPT type of an EFI system partition. */
    public static final String ESP_GUID = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";

    private DiskTools() {
    }

    /** Skips the calling test unless every one of {@code tools} is installed (fdisk, e2fsprogs, dosfstools, mtools). */
    public static void require(String... tools) {
        for (String tool : tools) {
            boolean found = false;
            for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
                found |= Files.isExecutable(Path.of(dir, tool));
            }
            if (!found) {
                System.err.println("skipped: " + tool + " is not installed (tools/install-deps.sh installs it)");
            }
            assumeTrue(found, tool + " is not installed (tools/install-deps.sh installs it)");
        }
    }

    /**
     * An ext2/3/4 file system of {@code megabytes} made into {@code out} from the directory {@code tree}.
     *
     * @param extra more mke2fs options ({@code -U UUID}, {@code -b 1024})
     */
    public static Path ext(Path out, Path tree, String type, int megabytes, String... extra)
            throws IOException, InterruptedException {
        require("mke2fs");
        List<String> cmd = new ArrayList<>(List.of("mke2fs", "-q", "-F", "-t", type, "-d", tree.toString()));
        cmd.addAll(List.of(extra));
        cmd.addAll(List.of(out.toString(), megabytes + "M"));
        QemuTools.run(cmd);
        return out;
    }

    /**
     * An empty FAT file system of {@code megabytes} in {@code out}, of the FAT size mkfs.vfat picks for it unless
     * {@code extra} options say ({@code -F 32}).
     */
    public static Path vfat(Path out, int megabytes, String... extra) throws IOException, InterruptedException {
        require("mkfs.vfat", "mcopy", "mmd");
        List<String> cmd = new ArrayList<>(List.of("mkfs.vfat"));
        cmd.addAll(List.of(extra));
        cmd.addAll(List.of("-C", out.toString(), String.valueOf(megabytes * 1024)));
        QemuTools.run(cmd);
        return out;
    }

    /** Copies {@code file} to {@code path} (absolute, its directories made as needed) on the FAT image. */
    public static void vfatPut(Path image, String path, Path file) throws IOException, InterruptedException {
        String[] parts = path.substring(1).split("/");
        String dir = "";
        for (int i = 0; i < parts.length - 1; i++) {
            dir += "/" + parts[i];
            QemuTools.run(List.of("mmd", "-D", "s", "-i", image.toString(), "::" + dir), 0, 1);
        }
        QemuTools.run(List.of("mcopy", "-o", "-i", image.toString(), file.toString(), "::" + path));
    }

    /**
     * A disk with one partition for each file system image, in order, each starting on a MiB boundary.
     *
     * @param label {@code dos} or {@code gpt}
     * @param types sfdisk's type for each partition ({@code 83}, {@code ef}, or a GPT type GUID)
     */
    public static Path disk(Path out, String label, List<Path> filesystems, List<String> types)
            throws IOException, InterruptedException {
        require("sfdisk");
        StringBuilder script = new StringBuilder("label: " + label + "\n");
        long sector = 2048;
        List<Long> starts = new ArrayList<>();
        for (int i = 0; i < filesystems.size(); i++) {
            long sectors = Files.size(filesystems.get(i)) / 512;
            script.append("start=").append(sector).append(", size=").append(sectors).append(", type=")
                    .append(types.get(i)).append('\n');
            starts.add(sector);
            sector += (sectors + 2047) / 2048 * 2048;
        }
        try (RandomAccessFile f = new RandomAccessFile(out.toFile(), "rw")) {
            f.setLength((sector + 2048) * 512);
        }
        sfdisk(out, script.toString());
        try (FileChannel disk = FileChannel.open(out, StandardOpenOption.WRITE)) {
            for (int i = 0; i < filesystems.size(); i++) {
                try (FileChannel fs = FileChannel.open(filesystems.get(i))) {
                    long done = 0;
                    while (done < fs.size()) {
                        done += fs.transferTo(done, fs.size() - done, disk.position(starts.get(i) * 512 + done));
                    }
                }
            }
        }
        return out;
    }

    /** Writes the partition table {@code script} (sfdisk's input format) to the image {@code disk}. */
    public static void sfdisk(Path disk, String script) throws IOException, InterruptedException {
        require("sfdisk");
        Process p = new ProcessBuilder("sfdisk", "-q", disk.toString()).redirectErrorStream(true).start();
        p.getOutputStream().write(script.getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("sfdisk " + disk + " failed: " + log);
        }
    }
}
