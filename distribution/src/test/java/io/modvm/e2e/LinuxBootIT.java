package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real Linux kernel of tools/guest on modvm, judged from what it prints. Its /init is a pause loop that
 * never makes a system call, so the kernel stays alive after boot even where user space cannot run. One Linux
 * guest runs at a time (the tests of a class run one after another).
 */
class LinuxBootIT {
    /** About two minutes to /init here (the kernel is emulated); generous for a loaded machine. */
    private static final Duration BOOT = Duration.ofMinutes(10);
    private static final Duration POWER_OFF = Duration.ofMinutes(3);
    private static final Pattern ACPI_PROBLEM = Pattern.compile("ACPI( BIOS)? (Error|Warning)|ACPI: .*(error|failed)",
            Pattern.CASE_INSENSITIVE);

    /**
     * No -kernel: modvm boots the default guest's bzImage. The pause initramfs replaces its shell, and the host's
     * extra options must be added by modvm itself, since this is the default guest.
     */
    @Test
    @Timeout(900)
    void defaultGuestBzImageBootsTwoCpusWithCleanAcpiAndSysrqPowersOff() throws Exception {
        LinuxGuest.file("bzImage");
        try (ModvmProcess p = ModvmProcess.start("-m", "256", "-smp", "2",
                "-initrd", LinuxGuest.file("initramfs-pause.cpio").toString(),
                "-append", "console=ttyS0 panic=-1")) {
            p.awaitOutput("Run /init as init process", BOOT);
            String log = p.stdout();
            String hostOptions = LinuxGuest.hostEmulatesKernel()
                    ? " " + java.nio.file.Files.readString(LinuxGuest.file("cmdline-pvm.txt")).strip() : "";
            assertTrue(log.contains("Command line: console=ttyS0 panic=-1" + hostOptions + "\n")
                    || log.contains("Command line: console=ttyS0 panic=-1" + hostOptions + "\r"), log);
            if (LinuxGuest.hostEmulatesKernel()) {
                assertEquals(1, p.stderr().split("modvm: note: ", -1).length - 1,
                        "the host's limits are told once:\n" + p.stderr());
            }
            assertTrue(log.contains("smp: Brought up 1 node, 2 CPUs"), log);
            assertTrue(log.contains("ACPI: FACP"), "the kernel found the FADT:\n" + log);
            assertTrue(log.contains("ACPI: APIC"), "the kernel found the MADT:\n" + log);
            assertTrue(log.contains("ACPI: DSDT"), log);
            List<String> problems = log.lines().filter(l -> ACPI_PROBLEM.matcher(l).find())
                    .collect(Collectors.toList());
            assertEquals(List.of(), problems, "ACPI errors or warnings:\n" + log);

            // Magic SysRq on a serial console: a break, then the key. 'o' powers off through ACPI S5.
            sysrq(p, 'o');
            assertEquals(0, p.waitFor(POWER_OFF), "modvm must end with 0 on a guest power-off:\n" + p.stdout()
                    + p.stderr());
            assertTrue(p.stdout().contains("sysrq: Power Off"), p.stdout());
        }
    }

    /**
     * A break (Ctrl-A b), then {@code key}, as a person would type it; again if the guest has not acted after a
     * while. Once in a loaded suite the kernel took the break as a NUL character (echoed "^@", so its serial core
     * saw a break while it believed one was already pending) and the key as text; a second break starts SysRq
     * afresh. Each try is printed, so a retry shows in the output.
     */
    private static void sysrq(ModvmProcess p, char key) throws Exception {
        for (int attempt = 1; attempt <= 4; attempt++) {
            p.type("\u0001b");
            Thread.sleep(500);
            p.type(String.valueOf(key));
            long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
            while (p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            if (!p.isAlive()) {
                return;
            }
            String out = p.stdout();
            System.out.println("LinuxBootIT: SysRq " + key + " try " + attempt + " not acted on after 45 s; the "
                    + "console's end:\n" + out.substring(Math.max(0, out.length() - 400)));
        }
    }

    @Test
    @Timeout(900)
    void vmlinuxBootsThroughPvhAndItsRebootEndsModvmUnderNoReboot() throws Exception {
        try (ModvmProcess p = ModvmProcess.start("-m", "256", "-no-reboot",
                "-kernel", LinuxGuest.file("vmlinux").toString(),
                "-initrd", LinuxGuest.file("initramfs-pause.cpio").toString(),
                "-append", LinuxGuest.cmdline(""))) {
            p.awaitOutput("Run /init as init process", BOOT);
            assertTrue(p.stdout().contains("Command line: " + LinuxGuest.cmdline("")), "a kernel given with "
                    + "-kernel boots with exactly the -append it was given:\n" + p.stdout());
            assertTrue(p.stdout().contains("Booting paravirtualized kernel on KVM")
                    || p.stdout().contains("Hypervisor detected: KVM"), p.stdout());
            // SysRq b reboots at once (through the ACPI reset register); -no-reboot turns that into an exit.
            sysrq(p, 'b');
            assertEquals(0, p.waitFor(POWER_OFF), p.stdout() + p.stderr());
            assertTrue(p.stdout().contains("sysrq: Resetting"), p.stdout());
        }
    }
}
