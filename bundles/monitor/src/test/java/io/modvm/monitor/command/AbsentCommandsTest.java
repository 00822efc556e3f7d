package io.modvm.monitor.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AbsentCommandsTest {
    @TempDir
    Path dir;

    @Test
    void aCommandOfABundleTheAssemblyLacksIsNamedWithTheBundle() throws IOException {
        Files.write(dir.resolve("catalog.list"), List.of("# KIND NAME BUNDLE", "command query-balloon io.modvm.virtio.balloon",
                "command query-block io.modvm.virtio.blk", "device virtio-blk-pci io.modvm.virtio.blk"));
        AbsentCommands absent = AbsentCommands.load(dir.toString(), "storage", "io.modvm.virtio.blk"::equals);
        assertEquals("provided by bundle io.modvm.virtio.balloon, which this assembly (storage) does not include",
                absent.why("query-balloon"));
        assertNull(absent.why("query-block"), "its bundle is installed");
        assertNull(absent.why("virtio-blk-pci"), "a device type, not a command");
        assertNull(absent.why("query-nothing"));
        assertNull(AbsentCommands.load(null, "x", b -> false).why("query-balloon"));
    }

    @Test
    void anHmpSpellingIsNamedWithTheBundleToo() throws IOException {
        Files.write(dir.resolve("catalog.list"), List.of("command __io.modvm_savevm io.modvm.migration",
                "hmp savevm io.modvm.migration", "hmp info+balloon io.modvm.virtio.balloon",
                "hmp info+block io.modvm.virtio.blk"));
        AbsentCommands absent = AbsentCommands.load(dir.toString(), "storage", "io.modvm.virtio.blk"::equals);
        assertEquals("provided by bundle io.modvm.migration, which this assembly (storage) does not include",
                absent.whyHmp("savevm"));
        assertEquals("provided by bundle io.modvm.virtio.balloon, which this assembly (storage) does not include",
                absent.whyHmp("info balloon"));
        assertNull(absent.whyHmp("info block"), "its bundle is installed");
        assertNull(absent.why("savevm"), "an HMP spelling is not a QMP name");
        assertNull(absent.whyHmp("__io.modvm_savevm"), "a QMP name is not an HMP spelling");
    }
}
