package io.modvm.core.acpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole hotplug DSDT through ACPICA's own tools, where they are installed (Debian package acpica-tools): iasl
 * disassembles it and compiles the result without an error, and acpiexec loads it and runs the notify method.
 * Skipped, with the reason, on machines without them.
 */
class HotplugAmlIaslTest {
    @TempDir
    Path dir;

    private static boolean installed(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    private String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " finished");
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void iaslDisassemblesAndRecompilesTheHotplugDsdt() throws Exception {
        assumeTrue(installed("iasl"), "iasl is not installed (apt-get install acpica-tools)");
        Files.write(dir.resolve("dsdt.dat"), FirmwareTables.dsdt(true).build());
        String disassembly = run("iasl", "-d", "dsdt.dat");
        assertTrue(Files.exists(dir.resolve("dsdt.dsl")), disassembly);
        String asl = Files.readString(dir.resolve("dsdt.dsl"));
        for (String expected : List.of("Method (_E01, 0, NotSerialized)", "\\_SB.PCI0.PCNT ()",
                "Field (PCST, DWordAcc, NoLock, WriteAsZeros)", "Notify (S1F, Arg1)", "Name (_SUN, 0x1F)",
                "Name (_ADR, 0x001F0000)", "PCEJ (_SUN)", "Name (\\_S5, Package (0x04)", "Name (_PRT, Package (0x80)",
                "0x0003FFFF,")) {
            assertTrue(asl.contains(expected), expected + " in\n" + asl);
        }
        Files.move(dir.resolve("dsdt.dsl"), dir.resolve("again.asl"));
        String compiled = run("iasl", "again.asl");
        assertTrue(compiled.contains("Compilation successful. 0 Errors, 0 Warnings"), compiled);
    }

    @Test
    void acpiexecSendsOneNotifyPerChangedSlot() throws Exception {
        assumeTrue(installed("acpiexec"), "acpiexec is not installed (apt-get install acpica-tools)");
        Files.write(dir.resolve("dsdt.dat"), FirmwareTables.dsdt(true).build());
        String out = run("acpiexec", "-b", "execute \\_SB.PCI0.DVNT 0x80000006 3; execute \\_GPE._E01", "dsdt.dat");
        List<String> notified = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.contains("Notify on [")) {
                notified.add(line.substring(line.indexOf('[') + 1, line.indexOf(']')) + " "
                        + line.substring(line.indexOf("Value ") + 6).trim());
            }
        }
        notified.sort(null); // acpiexec delivers notifies from a queue, in no fixed order
        assertEquals(List.of("S01_ 0x03 (Eject Request)", "S02_ 0x03 (Eject Request)",
                "S1F_ 0x03 (Eject Request)"), notified, out);
        assertFalse(out.contains("Exception") || out.contains("ACPI Error") || out.contains("ACPI Warning"), out);
    }
}
