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
        AssemblySettings settings = new AssemblySettings("full", 6, 5, Map.of("modvm.machine.devices", ""));
        Map<String, String> p = LaunchConfig.frameworkProperties(home, home, settings, Path.of("/tmp/x"), true,
                new String[] {"-version"}, LogSettings.of(null));
        assertEquals("-version", p.get("modvm.args"));
        assertEquals("/opt/modvm", p.get("modvm.home"));
        assertEquals("/opt/modvm/deploy", p.get("felix.fileinstall.dir"));
        assertEquals("false", p.get("felix.fileinstall.enableConfigSave"), "deploy/ files are never rewritten");
        assertEquals("false", p.get("felix.bootdelegation.implicit"));
        assertEquals("onFirstInit", p.get("org.osgi.framework.storage.clean"));
        assertEquals("memory", p.get("felix.cm.pm"), "configurations belong to one run, not to the kept storage");
        assertEquals("--nointeractive --noshutdown", p.get("gosh.args"));
        assertEquals("0", p.get("felix.log.level"));
        assertEquals("6", p.get("org.osgi.framework.startlevel.beginning"), "the assembly's beginning level");
        assertEquals("", p.get("modvm.machine.devices"), "the assembly's framework properties");
        assertEquals("full", p.get("modvm.assembly"));
    }

    @Test
    void deployIsTheAssemblysOwn() {
        AssemblySettings settings = new AssemblySettings("minimal", 6, 5, Map.of());
        Map<String, String> p = LaunchConfig.frameworkProperties(Path.of("/opt/modvm"), Path.of("/srv/minimal"),
                settings, Path.of("/tmp/x"), false, new String[0], LogSettings.of(null));
        assertEquals("/srv/minimal/deploy", p.get("felix.fileinstall.dir"));
        assertEquals("none", p.get("org.osgi.framework.storage.clean"), "a kept storage that matches is reused");
        assertEquals("/opt/modvm", p.get("modvm.home"));
    }

    @Test
    void theAssemblyComesFromTheFirstArgumentThenTheEnvironmentThenHome() {
        Path home = Path.of("/opt/modvm");
        LaunchConfig.Selected option = LaunchConfig.selectAssembly(home,
                new String[] {"--assembly", "/srv/minimal", "-m", "64"}, "/srv/other");
        assertEquals(Path.of("/srv/minimal"), option.folder());
        assertEquals(Arrays.asList("-m", "64"), Arrays.asList(option.args()));
        assertEquals(Path.of("/srv/x"),
                LaunchConfig.selectAssembly(home, new String[] {"--assembly=/srv/x"}, null).folder());
        LaunchConfig.Selected env = LaunchConfig.selectAssembly(home, new String[] {"-m", "64"}, "/srv/other");
        assertEquals(Path.of("/srv/other"), env.folder());
        assertEquals(2, env.args().length);
        assertEquals(home, LaunchConfig.selectAssembly(home, new String[] {"-version"}, "").folder());
        assertEquals(Arrays.asList("-m", "--assembly", "x"), Arrays.asList(
                LaunchConfig.selectAssembly(home, new String[] {"-m", "--assembly", "x"}, null).args()),
                "only the first argument is the launcher's");
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
