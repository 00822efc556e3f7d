package io.modvm.block.image;

import static io.modvm.testkit.QemuTools.img;

import io.modvm.block.CacheMode;
import io.modvm.block.DiskImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** qcow2 images for tests: made by qemu-img, opened here the way the tests open them. */
final class TestQcow2 {
    private TestQcow2() {
    }

    /** {@code qemu-img create -f qcow2 [-o OPTION]... DIR/NAME SIZE}. */
    static Path create(Path dir, String name, String size, String... options) throws Exception {
        Path path = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of("create", "-f", "qcow2"));
        for (String o : options) {
            args.add("-o");
            args.add(o);
        }
        args.add(path.toString());
        args.add(size);
        img(args.toArray(String[]::new));
        return path;
    }

    /** Opens an image with its format probed, through the page cache. */
    static DiskImage open(Path path, boolean readOnly) throws IOException {
        return ImageOpener.open(path, null, readOnly, CacheMode.WRITEBACK);
    }

    /**
     * Fills {@code model} with compressible but not uniform data (so the clusters really are stored compressed) and
     * writes it to {@code DIR/c.qcow2} with {@code qemu-img convert -c}.
     */
    static Path compressed(Path dir, byte[] model, long seed) throws Exception {
        Random rnd = new Random(seed);
        for (int i = 0; i < model.length; i += 4096) {
            Arrays.fill(model, i, i + 4096, (byte) rnd.nextInt(4));
        }
        Path raw = dir.resolve("plain.raw");
        Files.write(raw, model);
        Path path = dir.resolve("c.qcow2");
        img("convert", "-c", "-f", "raw", "-O", "qcow2", raw.toString(), path.toString());
        return path;
    }
}
