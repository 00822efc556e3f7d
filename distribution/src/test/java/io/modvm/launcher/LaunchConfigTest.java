package io.modvm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LaunchConfigTest {
    @Test
    void noArgumentsJoinToTheEmptyString() {
        assertEquals("", LaunchConfig.joinArgs());
    }

    @Test
    void argumentsAreJoinedWithNulAndSplitBackUnchanged() {
        String[] args = {"-m", "512", "-append", "console=ttyS0 root=/dev/vda", "", "-device", "isa-serial,id=s0"};
        String joined = LaunchConfig.joinArgs(args);
        assertEquals("-m\u0000512\u0000-append\u0000console=ttyS0 root=/dev/vda\u0000\u0000-device\u0000isa-serial,id=s0",
                joined);
        assertEquals(Arrays.asList(args), Arrays.asList(joined.split("\u0000", -1)));
    }

    @Test
    void frameworkPropertiesCarryArgsHomeAndQuietGogo() {
        Path home = Path.of("/opt/modvm");
        Map<String, String> p = LaunchConfig.frameworkProperties(home, Path.of("/tmp/x"), new String[] {"-version"},
                LogSettings.of(null));
        assertEquals("-version", p.get("modvm.args"));
        assertEquals("/opt/modvm", p.get("modvm.home"));
        assertEquals("/opt/modvm/deploy", p.get("felix.fileinstall.dir"));
        assertEquals("false", p.get("felix.fileinstall.enableConfigSave"), "deploy/ files are never rewritten");
        assertEquals("false", p.get("felix.bootdelegation.implicit"));
        assertEquals("onFirstInit", p.get("org.osgi.framework.storage.clean"));
        assertEquals("--nointeractive --noshutdown", p.get("gosh.args"));
        assertEquals("0", p.get("felix.log.level"));
    }

    @Test
    void logLevelComesFromModvmLogOrDefaultsToWarn() {
        assertEquals("warn", LogSettings.of(null).level());
        assertEquals("warn", LogSettings.of("loud").level());
        assertEquals("debug", LogSettings.of(" DEBUG ").level());
        assertTrue(LogSettings.of("debug").isDebug());
        assertFalse(LogSettings.of("info").isDebug());
        assertTrue(LogSettings.of("warn").shows("error"));
        assertFalse(LogSettings.of("warn").shows("info"));
    }
}
