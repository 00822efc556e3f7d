package io.modvm.core.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AssemblyCatalogTest {
    @TempDir
    Path dir;

    @Test
    void aNameWhoseBundleIsNotInstalledIsNamedWithThatBundle() throws IOException {
        Files.write(dir.resolve("catalog.list"), List.of("# KIND NAME BUNDLE",
                "device virtio-blk-pci io.modvm.virtio.blk", "device isa-serial io.modvm.devices.emulated.serial",
                "option -qmp io.modvm.monitor"));
        Set<String> installed = Set.of("io.modvm.devices.emulated.serial");
        AssemblyCatalog c = AssemblyCatalog.load(dir.toString(), "minimal", installed::contains);
        assertEquals("provided by bundle io.modvm.virtio.blk, which this assembly (minimal) does not include",
                c.absent("device", "virtio-blk-pci"));
        assertEquals("provided by bundle io.modvm.monitor, which this assembly (minimal) does not include",
                c.absent("option", "-qmp"));
        assertNull(c.absent("device", "isa-serial"), "its bundle is installed: not a missing bundle");
        assertNull(c.absent("device", "virtio-blk"), "in no bundle: a typo");
    }

    @Test
    void withoutACatalogNothingIsNamed() {
        assertNull(AssemblyCatalog.load(null, null, b -> false).absent("device", "x"));
        assertNull(AssemblyCatalog.load(dir.toString(), "x", b -> false).absent("device", "x"));
    }

    @Test
    void aTypoGetsTheNearestKnownNameAndNonsenseNone() {
        List<String> known = List.of("i8042", "isa-serial", "virtio-blk-pci", "virtio-rng-pci");
        assertEquals("virtio-blk-pci", AssemblyCatalog.nearest("virtio-blk", known));
        assertEquals("isa-serial", AssemblyCatalog.nearest("isa-serail", known));
        assertNull(AssemblyCatalog.nearest("no-such-device", known));
        assertNull(AssemblyCatalog.nearest("nope", known));
    }
}
