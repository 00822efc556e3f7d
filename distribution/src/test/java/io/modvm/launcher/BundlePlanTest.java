package io.modvm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BundlePlanTest {
    private static BundlePlan.Entry bundle(String bsn) {
        return BundlePlan.entry(Path.of(bsn + ".jar"), bsn, false);
    }

    @Test
    void loggingPrerequisitesStartBeforeEverythingElse() {
        List<BundlePlan.Entry> plan = new ArrayList<>(List.of(
                bundle("io.modvm.core"), bundle("org.apache.felix.fileinstall"), bundle("slf4j.simple"),
                bundle("org.apache.felix.scr"), bundle("com.sun.jna"), bundle("slf4j.api"),
                bundle("org.apache.aries.spifly.dynamic.bundle"), bundle("org.objectweb.asm.commons"),
                bundle("io.modvm.api"), bundle("org.objectweb.asm")));
        plan.sort(BundlePlan.ORDER);
        assertEquals(List.of("org.objectweb.asm", "org.objectweb.asm.commons",
                        "org.apache.aries.spifly.dynamic.bundle", "slf4j.api", "slf4j.simple",
                        "com.sun.jna", "org.apache.felix.scr", "io.modvm.api", "io.modvm.core",
                        "org.apache.felix.fileinstall"),
                plan.stream().map(BundlePlan.Entry::symbolicName).collect(Collectors.toList()));
    }

    @Test
    void levelsIncreaseAndTheFrameworkReachesTheLast() {
        assertTrue(BundlePlan.startLevel("org.objectweb.asm.tree.analysis") < BundlePlan.startLevel("org.apache.aries.spifly.dynamic.bundle"));
        assertTrue(BundlePlan.startLevel("org.apache.aries.spifly.dynamic.bundle") < BundlePlan.startLevel("slf4j.api"));
        assertTrue(BundlePlan.startLevel("slf4j.simple") < BundlePlan.startLevel("org.apache.felix.scr"));
        assertTrue(BundlePlan.startLevel("org.apache.felix.scr") < BundlePlan.startLevel("io.modvm.devices.emulated"));
        assertEquals(BundlePlan.BEGINNING_LEVEL, BundlePlan.startLevel("org.apache.felix.fileinstall"));
    }

    @Test
    void headerValueDropsDirectives() {
        assertEquals("org.apache.felix.scr", BundlePlan.headerValue("org.apache.felix.scr;singleton:=true"));
        assertEquals("a.b", BundlePlan.headerValue(" a.b "));
    }
}
