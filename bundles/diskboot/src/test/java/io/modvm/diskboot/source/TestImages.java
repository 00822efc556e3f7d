package io.modvm.diskboot.source;

import io.modvm.testkit.DiskTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The images of these tests, made with the test kit's {@link DiskTools}, and the files put in them. */
final class TestImages {
    private TestImages() {
    }

    static void require(String... tools) {
        DiskTools.require(tools);
    }

    /** An ext file system of {@code megabytes} holding {@code tree}; {@code extra} are more mke2fs options. */
    static Path ext(Path out, Path tree, String type, int megabytes, String... extra) throws Exception {
        return DiskTools.ext(out, tree, type, megabytes, extra);
    }

    /** A FAT file system of {@code megabytes} holding {@code files} (path on the volume to contents). */
    static Path vfat(Path out, int megabytes, Map<String, byte[]> files, String... extra) throws Exception {
        DiskTools.vfat(out, megabytes, extra);
        Path tmp = Files.createTempDirectory("vfat");
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path src = Files.write(tmp.resolve("file"), f.getValue());
            DiskTools.vfatPut(out, f.getKey(), src);
        }
        return out;
    }

    /** A disk with one partition per file system image: DiskTools.disk. */
    static Path disk(Path out, String label, List<Path> filesystems, List<String> types) throws Exception {
        return DiskTools.disk(out, label, filesystems, types);
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
