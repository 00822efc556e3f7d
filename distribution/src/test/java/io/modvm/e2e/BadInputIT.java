package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input ends modvm with one clear line on stderr, saying what was wrong and what to do, a
 * non-zero status, and no process left behind (the launcher execs the JVM, so the process we started is all there
 * is).
 */
@Timeout(60)
class BadInputIT {
    private static final Duration RUN = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** modvm ended with status 1 and exactly one line on stderr, {@code modvm: ...} containing {@code expected}. */
    static void assertOneLineError(ModvmProcess p, String expected) {
        String err = p.stderr().strip();
        assertEquals(1, p.exitValue(), err);
        assertEquals(1, err.lines().count(), "exactly one line:\n" + err);
        assertTrue(err.startsWith("modvm: "), err);
        assertTrue(err.contains(expected), err);
    }

    /** The line also tells the user what to do. */
    private static void assertSaysWhatToDo(ModvmProcess p, String advice) {
        assertTrue(p.stderr().contains(advice), "the line should say what to do (" + advice + "):\n" + p.stderr());
    }

    private static ModvmProcess run(String... args) throws Exception {
        return ModvmProcess.runToEnd(RUN, args);
    }

    @Test
    void missingKernel() throws Exception {
        ModvmProcess p = run("-kernel", "/no/such/vmlinux");
        assertOneLineError(p, "kernel '/no/such/vmlinux' does not exist");
        assertSaysWhatToDo(p, "check the path, or leave -kernel out to boot the default guest");
    }

    @Test
    void missingInitrd() throws Exception {
        ModvmProcess p = run("-kernel", Guests.build("hello").toString(), "-initrd", "/no/such/initrd");
        assertOneLineError(p, "initrd '/no/such/initrd' does not exist");
        assertSaysWhatToDo(p, "check the path, or leave -initrd out");
    }

    @Test
    void kernelThatIsNotAKernel() throws Exception {
        Path text = Files.writeString(dir.resolve("README"), "not a kernel");
        ModvmProcess p = run("-kernel", text.toString());
        assertOneLineError(p, "is not a kernel");
        assertSaysWhatToDo(p, "give a Linux bzImage or vmlinux, or leave -kernel out to boot the default guest");
    }

    @Test
    void kernelThatIsADirectory() throws Exception {
        ModvmProcess p = run("-kernel", dir.toString());
        assertOneLineError(p, "is a directory");
        assertSaysWhatToDo(p, "give the file itself, or leave -kernel out");
    }

    @Test
    void noKernelAndNoDefaultGuest() throws Exception {
        ModvmProcess p = ModvmProcess.start(Map.of("MODVM_CACHE", dir.toString()), List.of(), "-m", "64");
        p.closeInput();
        p.waitFor(RUN);
        p.close();
        assertOneLineError(p, "no -kernel given and the default guest is not built yet");
        assertTrue(p.stderr().contains("tools/guest/build"), p.stderr());
    }

    @Test
    void badMemorySizes() throws Exception {
        String kernel = Guests.build("hello").toString();
        assertOneLineError(run("-kernel", kernel, "-m", "lots"), "-m lots: not a number");
        assertOneLineError(run("-kernel", kernel, "-m", "0"), "-m 0: a guest needs at least 2 MiB");
        assertSaysWhatToDo(run("-kernel", kernel, "-m", "0"), "use e.g. -m 512M");
        ModvmProcess tooMuch = run("-kernel", kernel, "-m", "1T");
        assertOneLineError(tooMuch, "more than this host's");
        assertSaysWhatToDo(tooMuch, "M or less");
    }

    @Test
    void zeroAndTooManyCpus() throws Exception {
        String kernel = Guests.build("hello").toString();
        assertOneLineError(run("-kernel", kernel, "-smp", "0"), "-smp 0: a guest needs at least one CPU");
        assertSaysWhatToDo(run("-kernel", kernel, "-smp", "0"), "use e.g. -smp 2");
        assertOneLineError(run("-kernel", kernel, "-smp", "4096"), "allows at most");
    }

    @Test
    void unknownFlagAndDeviceType() throws Exception {
        assertOneLineError(run("-frobnicate"), "-frobnicate: invalid option");
        ModvmProcess p = run("-kernel", Guests.build("hello").toString(), "-device", "no-such-device");
        assertOneLineError(p,
                "-device no-such-device: 'no-such-device' is not a valid device model name; known types: ");
        assertTrue(p.stderr().contains("isa-serial"), p.stderr());
    }

    @Test
    void badDeviceProperty() throws Exception {
        assertOneLineError(run("-kernel", Guests.build("hello").toString(), "-device",
                "isa-debug-exit,iobase=zz"), "-device isa-debug-exit: ");
    }

    @Test
    void noKvmDevice() throws Exception {
        ModvmProcess p = ModvmProcess.start(Map.of("MODVM_KVM_DEVICE", "/dev/no-kvm-here"), List.of(),
                "-kernel", Guests.build("hello").toString());
        p.closeInput();
        p.waitFor(RUN);
        p.close();
        assertOneLineError(p, "/dev/no-kvm-here does not exist: this host has no KVM");
    }

    @Test
    void noPermissionOnKvmDevice() throws Exception {
        // /dev/kvm is root-only on these machines; an unprivileged user meets it as a new user would.
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path kernel = Files.copy(Guests.build("hello"), shared.resolve("hello.elf"));
        Files.setPosixFilePermissions(kernel, PosixFilePermissions.fromString("rw-r--r--"));
        // The checkout may live where nobody cannot read (say, under /root): run a world-readable copy.
        Path home = copyReadableForAll(ModvmProcess.home(), shared.resolve("modvm"));
        ModvmProcess p = ModvmProcess.start(home, Map.of(), List.of("setpriv", "--reuid=nobody",
                "--regid=nogroup", "--clear-groups", "--reset-env"), "-kernel", kernel.toString());
        p.closeInput();
        p.waitFor(RUN);
        p.close();
        assertOneLineError(p, "no permission to open /dev/kvm: add your user to the kvm group");
    }

    private static Path copyReadableForAll(Path from, Path to) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else {
                    Files.copy(source, target);
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(
                            Files.isExecutable(source) ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
        return to;
    }

    @Test
    void portInUseByTwoDevices() throws Exception {
        ModvmProcess p = run("-kernel", Guests.build("hello").toString(), "-device", "isa-debug-exit",
                "-device", "isa-debug-exit");
        assertOneLineError(p, "overlaps");
        assertSaysWhatToDo(p, "give one of them another address");
    }

    @Test
    void serialFileInAFolderThatDoesNotExist() throws Exception {
        ModvmProcess p = run("-kernel", Guests.build("hello").toString(), "-serial",
                "file:" + dir.resolve("no/such/folder/console.log"));
        assertOneLineError(p, "cannot open");
        assertSaysWhatToDo(p, "check that its folder exists");
    }
}
