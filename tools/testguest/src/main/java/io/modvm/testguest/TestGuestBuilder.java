package io.modvm.testguest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Builds a tiny freestanding x86-64 test guest from one C source file and the kit
 * (crt0.S, kit.c, pci.c, virtio.c, net.c, testguest.h, link.ld) shipped as resources of this jar.
 *
 * <p>The result is an ELF64 executable that a VMM boots through the PVH entry note
 * (Xen ELF note type 18 in a PT_NOTE program header). Builds are cached in the work
 * directory under a hash of the kit, the flags, the compiler and the source, so
 * building the same guest again returns at once.
 *
 * <p>Thread safe and free of mutable static state: concurrent builds of the same guest
 * compile in private temporary directories and publish the ELF with an atomic rename.
 */
public final class TestGuestBuilder {

    /** Where the kit lives on the class path. */
    public static final String KIT_RESOURCE_DIR = "/io/modvm/testguest/";

    /** Kit files extracted next to the guest source. */
    public static final List<String> KIT_FILES =
            List.of("crt0.S", "kit.c", "pci.c", "virtio.c", "net.c", "testguest.h", "link.ld", "gcc.flags");

    /** Kit files compiled and linked into every guest, in link order (crt0.S first: it holds the entry). */
    public static final List<String> KIT_SOURCES = List.of("crt0.S", "kit.c", "pci.c", "virtio.c", "net.c");

    /** System property naming the compiler driver; defaults to {@code gcc}. */
    public static final String CC_PROPERTY = "modvm.testguest.cc";

    /** Physical address of the main image (the PT_LOAD holding the PVH entry). */
    public static final long IMAGE_ADDRESS = 0x100000L;

    /** Physical address of the AP real-mode trampoline segment. */
    public static final long TRAMPOLINE_ADDRESS = 0x8000L;

    /** Guests exit through the debug-exit port with this code after an unhandled CPU exception. */
    public static final int EXIT_EXCEPTION = 0x7f;

    private static final long COMPILE_TIMEOUT_SECONDS = 120;

    private TestGuestBuilder() {
    }

    /**
     * Builds a guest from C source text.
     *
     * @param workDir directory for the extracted kit, build files and cached ELFs (created if missing); a relative
     *                path is taken from the current directory
     * @param name    guest name, used in file names; letters, digits, '.', '_' and '-' only, and not the name
 *                of a kit source ({@code kit}, {@code pci}, {@code virtio}, {@code net})
     * @param cSource the guest's C source; it should {@code #include "testguest.h"} and define {@code main}
     * @return path of the linked ELF inside {@code workDir}
     * @throws GuestBuildException if gcc fails; the message contains gcc's output
     * @throws UncheckedIOException on I/O errors
     */
    public static Path build(Path workDir, String name, String cSource) {
        return build(workDir, name, cSource, Kit.PVH64);
    }

    /**
     * Builds a tiny i386 guest in bzImage form from C source text: the kit's {@code bzimage32/head.S} (a setup
     * header for boot protocol 2.15 without a 64-bit entry, and a 32-bit entry at 1 MiB that records the registers
     * the loader left and calls {@code void main32(const uint8_t *boot_params)}) linked with the source, compiled
     * {@code -m32}. A loader must enter it through the Linux 32-bit boot protocol. The source includes
     * {@code "bzimage32.h"} (port I/O, COM1 output, {@code debug_exit}, the recorded registers).
     *
     * @param workDir as for {@link #build(Path, String, String)}
     * @param name guest name, as for {@link #build(Path, String, String)} ({@code head} is the kit's)
     * @param cSource the guest's C source
     * @return path of the bzImage inside {@code workDir}
     * @throws GuestBuildException if gcc fails
     */
    public static Path buildBzImage32(Path workDir, String name, String cSource) {
        return build(workDir, name, cSource, Kit.BZIMAGE32);
    }

    /**
     * As {@link #buildBzImage32(Path, String, String)}, the source a class path resource as
     * {@link #build(Path, String)} reads it.
     */
    public static Path buildBzImage32(Path workDir, String resourceName) {
        Source source = resource(resourceName);
        return buildBzImage32(workDir, source.name(), source.text());
    }

    /**
     * What a guest is built with: the kit files (class path resources under {@link #KIT_RESOURCE_DIR}, written into
     * the build folder under their own file names), those compiled before the guest's source, and what the output
     * file is called.
     */
    private record Kit(List<String> files, List<String> sources, String suffix, List<String> libraries) {
        static final Kit PVH64 = new Kit(KIT_FILES, KIT_SOURCES, ".elf", List.of("-lgcc"));
        static final Kit BZIMAGE32 = new Kit(List.of("bzimage32/head.S", "bzimage32/bzimage32.h",
                "bzimage32/link.ld", "bzimage32/gcc.flags"), List.of("head.S"), ".bzImage", List.of());

        static String fileName(String file) {
            return file.substring(file.lastIndexOf('/') + 1);
        }
    }

    private record Source(String name, String text) {
    }

    private static Path build(Path workDir, String name, String cSource, Kit kitFiles) {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("guest name must match [A-Za-z0-9._-]+: " + name);
        }
        if (kitFiles.files().stream().map(Kit::fileName).anyMatch(f -> f.equals(name + ".c"))) {
            // The guest's source is written next to the kit's as NAME.c: it would replace the kit's own file.
            throw new IllegalArgumentException("guest name '" + name + "' is taken by the kit's " + name
                    + ".c; give the guest another name");
        }
        // gcc runs inside the build folder: every path handed to it must not depend on its working directory.
        workDir = workDir.toAbsolutePath();
        try {
            Files.createDirectories(workDir);
            Map<String, byte[]> kit = loadKit(kitFiles.files());
            List<String> flags = parseFlags(new String(kit.get("gcc.flags"), StandardCharsets.UTF_8));
            String cc = compiler();
            byte[] source = cSource.getBytes(StandardCharsets.UTF_8);

            String hash = hash(kit, cc, source);
            Path built = workDir.resolve(name + "-" + hash + kitFiles.suffix());
            if (Files.isRegularFile(built)) {
                return built;
            }

            Path dir = Files.createTempDirectory(workDir, name + "-build-");
            for (Map.Entry<String, byte[]> file : kit.entrySet()) {
                Files.write(dir.resolve(file.getKey()), file.getValue());
            }
            Path guestC = dir.resolve(name + ".c");
            Files.write(guestC, source);
            Path out = dir.resolve(name + kitFiles.suffix());

            List<String> cmd = new ArrayList<>();
            cmd.add(cc);
            cmd.addAll(flags);
            cmd.add("-I" + dir);
            cmd.add("-T");
            cmd.add(dir.resolve("link.ld").toString());
            cmd.add("-o");
            cmd.add(out.toString());
            for (String file : kitFiles.sources()) {
                cmd.add(dir.resolve(file).toString());
            }
            cmd.add(guestC.toString());
            cmd.addAll(kitFiles.libraries());
            try {
                run(cmd, dir, name);
                try {
                    Files.move(out, built, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(out, built, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                deleteTree(dir);
            }
            return built;
        } catch (IOException e) {
            throw new UncheckedIOException("building test guest " + name + " in " + workDir, e);
        }
    }

    /**
     * Builds a guest whose C source is a class path resource, looked up with the thread's
     * context class loader and then this class's loader. The guest name is the resource's
     * file name without {@code .c}.
     *
     * @param workDir      as for {@link #build(Path, String, String)}
     * @param resourceName e.g. {@code "guests/hello.c"} (a leading '/' is allowed)
     */
    public static Path build(Path workDir, String resourceName) {
        Source source = resource(resourceName);
        return build(workDir, source.name(), source.text());
    }

    private static Source resource(String resourceName) {
        String res = resourceName.startsWith("/") ? resourceName.substring(1) : resourceName;
        byte[] src = null;
        ClassLoader ctx = Thread.currentThread().getContextClassLoader();
        try {
            if (ctx != null) {
                src = readResource(ctx.getResourceAsStream(res));
            }
            if (src == null) {
                src = readResource(TestGuestBuilder.class.getResourceAsStream("/" + res));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading guest source " + res, e);
        }
        if (src == null) {
            throw new IllegalArgumentException("guest source not found on the class path: " + res);
        }
        String file = res.substring(res.lastIndexOf('/') + 1);
        String name = file.endsWith(".c") ? file.substring(0, file.length() - 2) : file;
        return new Source(name.replaceAll("[^A-Za-z0-9._-]", "_"), new String(src, StandardCharsets.UTF_8));
    }

    /**
     * Whether a gcc that targets x86-64 can be run (the kit needs nothing else: gcc drives
     * as and ld). Tests that build guests should skip, not fail, when this is false.
     */
    public static boolean gccAvailable() {
        try {
            Process p = new ProcessBuilder(compiler(), "-dumpmachine").redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0 && new String(out, StandardCharsets.UTF_8).trim().startsWith("x86_64");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The compiler flags from the kit's gcc.flags, as the builder passes them. */
    public static List<String> compilerFlags() {
        try {
            return parseFlags(new String(loadKit(KIT_FILES).get("gcc.flags"), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Thrown when gcc rejects a guest; the message holds the command and gcc's output. */
    public static final class GuestBuildException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String compilerOutput;

        GuestBuildException(String message, String compilerOutput) {
            super(message);
            this.compilerOutput = compilerOutput;
        }

        /** gcc's combined stdout and stderr. */
        public String compilerOutput() {
            return compilerOutput;
        }
    }

    private static String compiler() {
        return System.getProperty(CC_PROPERTY, "gcc");
    }

    private static void run(List<String> cmd, Path dir, String name) throws IOException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        // gcc's output is small; reading it to the end before waiting cannot deadlock.
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(COMPILE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new GuestBuildException("gcc timed out building test guest " + name, output);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new GuestBuildException("interrupted while building test guest " + name, output);
        }
        if (p.exitValue() != 0) {
            throw new GuestBuildException("gcc failed (exit " + p.exitValue() + ") building test guest " + name
                    + "\ncommand: " + String.join(" ", cmd) + "\n" + output, output);
        }
    }

    /** The kit's files by the names they have in the build folder. */
    private static Map<String, byte[]> loadKit(List<String> files) throws IOException {
        Map<String, byte[]> kit = new LinkedHashMap<>();
        for (String file : files) {
            byte[] data = readResource(TestGuestBuilder.class.getResourceAsStream(KIT_RESOURCE_DIR + file));
            if (data == null) {
                throw new IOException("kit resource missing from the class path: " + KIT_RESOURCE_DIR + file);
            }
            kit.put(Kit.fileName(file), data);
        }
        return kit;
    }

    private static byte[] readResource(InputStream in) throws IOException {
        if (in == null) {
            return null;
        }
        try (in) {
            return in.readAllBytes();
        }
    }

    static List<String> parseFlags(String text) {
        List<String> flags = new ArrayList<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            for (String f : l.split("\\s+")) {
                flags.add(f);
            }
        }
        return flags;
    }

    private static String hash(Map<String, byte[]> kit, String cc, byte[] source) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            // Length-prefixed parts so that no two different inputs concatenate alike.
            for (Map.Entry<String, byte[]> e : kit.entrySet()) {
                update(md, e.getKey().getBytes(StandardCharsets.UTF_8));
                update(md, e.getValue());
            }
            update(md, cc.getBytes(StandardCharsets.UTF_8));
            update(md, source);
            return HexFormat.of().formatHex(md.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    private static void update(MessageDigest md, byte[] part) {
        long n = part.length;
        for (int i = 0; i < 8; i++) {
            md.update((byte) (n >>> (8 * i)));
        }
        md.update(part);
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // Leftover build files are harmless; the cached ELF is what matters.
                }
            });
        } catch (IOException ignored) {
            // Same: a stale temporary directory does not affect later builds.
        }
    }
}
