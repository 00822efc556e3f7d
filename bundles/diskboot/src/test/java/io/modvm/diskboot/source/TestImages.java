package io.modvm.diskboot.source;

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
import java.util.Map;

/**
 * Builds disk images at test time with the system's tools, as a user's would be made, without root or loop
 * devices: a file system made into a file ({@code mke2fs -d}, {@code mkfs.vfat} + {@code mcopy}), then copied to
 * its partition's offset in a disk whose table {@code sfdisk} wrote. A test whose tool is missing is skipped with
 * the reason (tools/install-deps.sh installs them).
 */
final class TestImages {
    static final long START_SECTOR = 2048;

    private TestImages() {
    }

    static void require(String... tools) {
        for (String tool : tools) {
            boolean found = false;
            for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
                found |= Files.isExecutable(Path.of(dir, tool));
            }
            assumeTrue(found, tool + " is not installed (tools/install-deps.sh installs it): skipped");
        }
    }

    /** An ext file system of {@code megabytes} holding {@code tree}; {@code extra} are more mke2fs options. */
    static Path ext(Path out, Path tree, String type, int megabytes, String... extra) throws Exception {
        require("mke2fs");
        List<String> cmd = new ArrayList<>(List.of("mke2fs", "-q", "-F", "-t", type, "-d", tree.toString()));
        cmd.addAll(List.of(extra));
        cmd.addAll(List.of(out.toString(), megabytes + "M"));
        run(cmd);
        return out;
    }

    /** A FAT file system of {@code megabytes} holding {@code files} (path on the volume to contents). */
    static Path vfat(Path out, int megabytes, Map<String, byte[]> files) throws Exception {
        require("mkfs.vfat", "mcopy", "mmd");
        run(List.of("mkfs.vfat", "-C", out.toString(), String.valueOf(megabytes * 1024)));
        Path tmp = Files.createTempDirectory("vfat");
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            String[] parts = f.getKey().substring(1).split("/");
            String dir = "";
            for (int i = 0; i < parts.length - 1; i++) {
                dir += "/" + parts[i];
                ProcessBuilder pb = new ProcessBuilder("mmd", "-D", "s", "-i", out.toString(), "::" + dir);
                pb.redirectErrorStream(true).start().waitFor(); // exists already: fine
            }
            Path src = tmp.resolve(parts[parts.length - 1]);
            Files.write(src, f.getValue());
            run(List.of("mcopy", "-o", "-i", out.toString(), src.toString(), "::" + f.getKey()));
        }
        return out;
    }

    /**
     * A disk with one partition per file system image, in order, each starting on a MiB boundary.
     *
     * @param label {@code dos} or {@code gpt}
     * @param types sfdisk's type for each partition ({@code 83}, {@code ef}, or a GPT type GUID)
     */
    static Path disk(Path out, String label, List<Path> filesystems, List<String> types) throws Exception {
        require("sfdisk");
        StringBuilder script = new StringBuilder("label: " + label + "\n");
        long sector = START_SECTOR;
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
        Process p = new ProcessBuilder("sfdisk", "-q", out.toString()).redirectErrorStream(true).start();
        p.getOutputStream().write(script.toString().getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("sfdisk failed: " + log);
        }
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

    static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + log);
        }
        return log;
    }

    /** Writes {@code text} to {@code tree}/{@code path}, making the directories. */
    static void put(Path tree, String path, byte[] content) throws IOException {
        Path p = tree.resolve(path.substring(1));
        Files.createDirectories(p.getParent());
        Files.write(p, content);
    }

    /** A "kernel" that is recognisably itself: {@code size} bytes of a pattern seeded by {@code seed}. */
    static byte[] pattern(int size, int seed) {
        byte[] b = new byte[size];
        int x = seed;
        for (int i = 0; i < size; i++) {
            x = x * 1103515245 + 12345;
            b[i] = (byte) (x >>> 16);
        }
        return b;
    }
}
