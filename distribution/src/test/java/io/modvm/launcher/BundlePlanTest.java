package io.modvm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundlePlanTest {
    @TempDir
    Path dir;

    private void jar(String bsn, String fragmentHost) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue("Bundle-SymbolicName", bsn + ";singleton:=true");
        if (fragmentHost != null) {
            m.getMainAttributes().putValue("Fragment-Host", fragmentHost);
        }
        Files.createDirectories(dir.resolve("bundle"));
        try (OutputStream out = Files.newOutputStream(dir.resolve("bundle/" + bsn + ".jar"));
                JarOutputStream j = new JarOutputStream(out, m)) {
            j.flush();
        }
    }

    @Test
    void theListGivesTheLevelsAndTheOrderIsByLevelThenName() throws IOException {
        for (String bsn : List.of("io.modvm.core", "org.apache.felix.fileinstall", "slf4j.simple", "slf4j.api",
                "org.objectweb.asm")) {
            jar(bsn, null);
        }
        jar("a.fragment", "io.modvm.core");
        Files.write(dir.resolve(BundlePlan.LIST), List.of("# comment", "5 bundle/io.modvm.core.jar",
                "6 bundle/org.apache.felix.fileinstall.jar", "", "3 bundle/slf4j.simple.jar",
                "3 bundle/slf4j.api.jar", "1 bundle/org.objectweb.asm.jar", "5 bundle/a.fragment.jar"));
        List<BundlePlan.Entry> plan = BundlePlan.load(dir);
        assertEquals(List.of("org.objectweb.asm", "slf4j.api", "slf4j.simple", "a.fragment", "io.modvm.core",
                        "org.apache.felix.fileinstall"),
                plan.stream().map(BundlePlan.Entry::symbolicName).collect(Collectors.toList()));
        assertEquals(3, BundlePlan.startLevel(plan, "slf4j.simple"));
        assertTrue(plan.get(3).fragment());
    }

    @Test
    void aJarInBundleThatTheListDoesNotNameStartsAtTheAssemblysExtraLevel() throws IOException {
        jar("io.modvm.core", null);
        jar("com.example.plugin", null);
        Files.write(dir.resolve(BundlePlan.LIST), List.of("5 bundle/io.modvm.core.jar"));
        Files.write(dir.resolve(AssemblySettings.FILE), List.of("name=t", "beginning.level=6", "extra.level=4"));
        List<BundlePlan.Entry> plan = BundlePlan.load(dir);
        assertEquals(4, BundlePlan.startLevel(plan, "com.example.plugin"));
        assertEquals(5, BundlePlan.startLevel(plan, "io.modvm.core"));
        assertEquals(2, plan.size());
    }

    @Test
    void aMissingJarOrABadLineIsOneLineNamingIt() throws IOException {
        Files.write(dir.resolve(BundlePlan.LIST), List.of("5 bundle/gone.jar"));
        IOException gone = assertThrows(IOException.class, () -> BundlePlan.load(dir));
        assertTrue(gone.getMessage().contains("names bundle/gone.jar, which is missing; put the jar back or remove "
                + "its line"), gone.getMessage());
        Files.write(dir.resolve(BundlePlan.LIST), List.of("five bundle/x.jar"));
        IOException bad = assertThrows(IOException.class, () -> BundlePlan.load(dir));
        assertTrue(bad.getMessage().contains("line 1: expected START-LEVEL JAR-PATH"), bad.getMessage());
        Files.delete(dir.resolve(BundlePlan.LIST));
        IOException none = assertThrows(IOException.class, () -> BundlePlan.load(dir));
        assertTrue(none.getMessage().contains("not an assembly folder"), none.getMessage());
    }

    @Test
    void headerValueDropsDirectives() {
        assertEquals("org.apache.felix.scr", BundlePlan.headerValue("org.apache.felix.scr;singleton:=true"));
        assertEquals("a.b", BundlePlan.headerValue(" a.b "));
    }
}
