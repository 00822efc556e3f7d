package io.modvm.monitor.bundles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modvm.api.monitor.MonitorException;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.Version;

class BundleNamesTest {
    /** A bundle that answers only what a name lookup asks: id, symbolic name, location, version. */
    private static Bundle bundle(long id, String bsn, String location) {
        return (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getBundleId" -> id;
                    case "getSymbolicName" -> bsn;
                    case "getLocation" -> location;
                    case "getVersion" -> new Version(0, 1, 0, "SNAPSHOT");
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private final Bundle framework = bundle(0, "org.apache.felix.framework", "System Bundle");
    private final Bundle core = bundle(3, "io.modvm.core", "reference:file:/m/bundle/core-0.1.0-SNAPSHOT.jar");
    private final Bundle virtioCore = bundle(4, "io.modvm.virtio.core",
            "reference:file:/m/bundle/virtio.core-0.1.0-SNAPSHOT.jar");
    private final Bundle rng = bundle(5, "io.modvm.virtio.rng",
            "reference:file:/m/bundle/virtio.rng-0.1.0-SNAPSHOT.jar");
    private final Bundle[] all = {framework, core, virtioCore, rng};

    @Test
    void aBundleIsFoundByIdSymbolicNameFileNameArtifactOrTheEndOfItsSymbolicName() throws MonitorException {
        for (String name : new String[] {"5", "io.modvm.virtio.rng", "virtio.rng-0.1.0-SNAPSHOT.jar",
                "virtio.rng-0.1.0-SNAPSHOT", "virtio.rng", "rng"}) {
            assertSame(rng, BundleNames.find(all, name), name);
        }
        assertSame(framework, BundleNames.find(all, "0"));
    }

    @Test
    void anExactNameWinsOverAShortOne() throws MonitorException {
        Bundle named = bundle(9, "virtio.rng", "file:/x/other.jar");
        assertSame(named, BundleNames.find(new Bundle[] {rng, named}, "virtio.rng"));
    }

    @Test
    void anUnknownNameListsTheInstalledBundlesOnOneLine() {
        MonitorException e = assertThrows(MonitorException.class, () -> BundleNames.find(all, "virtio-rgn"));
        assertEquals("No bundle 'virtio-rgn' is installed; installed: org.apache.felix.framework, io.modvm.core, "
                + "io.modvm.virtio.core, io.modvm.virtio.rng", e.getMessage());
    }

    @Test
    void anAmbiguousNameNamesTheCandidates() {
        MonitorException e = assertThrows(MonitorException.class, () -> BundleNames.find(all, "core"));
        assertEquals("Bundle name 'core' is ambiguous: io.modvm.core 0.1.0.SNAPSHOT (id 3), io.modvm.virtio.core "
                + "0.1.0.SNAPSHOT (id 4); give the bundle id or its jar file name", e.getMessage());
    }

    @Test
    void theArtifactIsTheFileNameUpToItsVersion() {
        assertEquals("virtio.rng", BundleNames.artifact("virtio.rng-0.1.0-SNAPSHOT"));
        assertEquals("hello-device", BundleNames.artifact("hello-device-1.0.0"));
        assertEquals("plain", BundleNames.artifact("plain"));
        assertEquals("core-0.1.0-SNAPSHOT.jar", BundleNames.fileName(core));
    }
}
