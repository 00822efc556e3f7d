package io.modvm.launcher.assemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFileTest {
    private static final Path SHIPPED = Path.of("src/assemblies");

    @TempDir
    Path dir;

    @Test
    void theFullAssemblysLevelsStartLoggingFirstAndTheWatchedFolderLast() throws IOException {
        RunFile full = RunFile.read(SHIPPED.resolve("full.bndrun"), dir);
        Map<String, Integer> l = full.bundles();
        assertTrue(l.get("org.objectweb.asm.tree.analysis") < l.get("org.apache.aries.spifly.dynamic.bundle"));
        assertTrue(l.get("org.apache.aries.spifly.dynamic.bundle") < l.get("slf4j.api"));
        assertTrue(l.get("slf4j.simple") < l.get("org.apache.felix.scr"));
        assertTrue(l.get("org.apache.felix.scr") < l.get("io.modvm.devices.emulated.serial"));
        assertEquals(full.beginningLevel(), l.get("org.apache.felix.fileinstall"));
        assertEquals("full", full.name());
    }

    @Test
    void theSmallAssembliesLeaveOutWhatTheyDoNotNeed() throws IOException {
        RunFile minimal = RunFile.read(SHIPPED.resolve("minimal.bndrun"), dir);
        assertTrue(minimal.bundles().containsKey("io.modvm.devices.emulated.serial"));
        assertTrue(!minimal.bundles().containsKey("io.modvm.monitor"));
        assertEquals("", minimal.properties().get("modvm.machine.devices"));
        RunFile storage = RunFile.read(SHIPPED.resolve("storage.bndrun"), dir);
        assertTrue(storage.bundles().keySet().containsAll(List.of("io.modvm.virtio.blk", "io.modvm.monitor")));
        assertTrue(!storage.bundles().containsKey("io.modvm.virtio.net"));
    }

    @Test
    void anIncludedFileIsExtendedByMergedInstructions() throws IOException {
        Files.write(dir.resolve("base.bndrun"), List.of("-runbundles: a;startlevel=1, b;startlevel=2",
                "-runproperties: x=1", "-runrepos: jars"));
        Files.write(dir.resolve("mine.bndrun"), List.of("-include: base.bndrun", "-runbundles.more: \\",
                "    c;startlevel=5;version='[1,2)'", "-runstartlevel: order=sortbynameversion,begin=7"));
        RunFile mine = RunFile.read(dir.resolve("mine.bndrun"), dir);
        assertEquals(Map.of("a", 1, "b", 2, "c", 5), mine.bundles());
        assertEquals(7, mine.beginningLevel());
        assertEquals(Map.of("x", "1"), mine.properties());
        assertEquals(List.of(dir.resolve("jars")), mine.repositories());
        assertEquals("mine", mine.name());
    }

    @Test
    void aBundleWithoutStartLevelIsRefusedNamingIt() throws IOException {
        Files.write(dir.resolve("bad.bndrun"), List.of("-runbundles: a;startlevel=1, b"));
        IOException e = assertThrows(IOException.class, () -> RunFile.read(dir.resolve("bad.bndrun"), dir));
        assertTrue(e.getMessage().endsWith("-runbundles entry b has no start level; write b;startlevel=N"),
                e.getMessage());
    }
}
