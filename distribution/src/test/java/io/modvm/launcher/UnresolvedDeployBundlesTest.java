package io.modvm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.resource.Requirement;
import org.osgi.resource.Resource;

class UnresolvedDeployBundlesTest {
    private final UnresolvedDeployBundles check = new UnresolvedDeployBundles(null, Path.of("/opt/modvm/deploy"),
            LogSettings.of("warn"));

    @Test
    void onlyBundlesOfTheWatchedFolderAreChecked() {
        assertEquals("a.jar", check.fileIn("file:/opt/modvm/deploy/a.jar"));
        assertEquals("a.jar", check.fileIn("reference:file:/opt/modvm/deploy/a.jar"));
        assertEquals("a.jar", check.fileIn("/opt/modvm/deploy/a.jar"));
        assertNull(check.fileIn("reference:file:/opt/modvm/bundle/core.jar"));
        assertNull(check.fileIn("file:/opt/modvm/deploy/sub/a.jar"));
        assertNull(check.fileIn("System Bundle"));
    }

    private static Requirement requirement(String namespace, String filter) {
        return new Requirement() {
            @Override
            public String getNamespace() {
                return namespace;
            }

            @Override
            public Map<String, String> getDirectives() {
                return Map.of("filter", filter);
            }

            @Override
            public Map<String, Object> getAttributes() {
                return Map.of();
            }

            @Override
            public Resource getResource() {
                return null;
            }
        };
    }

    @Test
    void aMissingPackageIsNamedWithItsVersionRange() {
        assertEquals("exports package com.example.x [1.0.0,2.0.0)", UnresolvedDeployBundles.requirement(
                requirement("osgi.wiring.package",
                        "(&(osgi.wiring.package=com.example.x)(version>=1.0.0)(!(version>=2.0.0)))")));
        assertEquals("exports package com.example.y >= 1.2.0", UnresolvedDeployBundles.requirement(
                requirement("osgi.wiring.package", "(&(osgi.wiring.package=com.example.y)(version>=1.2.0))")));
        assertEquals("exports package com.example.z", UnresolvedDeployBundles.requirement(
                requirement("osgi.wiring.package", "(osgi.wiring.package=com.example.z)")));
        assertEquals("provides osgi.ee (&(osgi.ee=JavaSE)(version=21))", UnresolvedDeployBundles.requirement(
                requirement("osgi.ee", "(&(osgi.ee=JavaSE)(version=21))")));
    }
}
