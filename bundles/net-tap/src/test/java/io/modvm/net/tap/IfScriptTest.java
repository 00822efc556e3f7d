package io.modvm.net.tap;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.DeviceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class IfScriptTest {
    @TempDir
    Path dir;

    private Path script(String body) throws Exception {
        Path s = dir.resolve("ifup");
        Files.writeString(s, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwx------"));
        return s;
    }

    /** A script that ends but leaves a child holding its output does not hold up the tap (it did, reading to EOF). */
    @Test
    @Timeout(20)
    void aScriptThatLeavesAChildBehindReturnsWhenItEnds() throws Exception {
        long start = System.nanoTime();
        IfScript.run(script("sleep 60 &\nexit 0"), "tap0");
        assertTrue(System.nanoTime() - start < 10_000_000_000L, "returned when the script ended");
    }

    @Test
    void aFailingScriptIsOneLineWithItsStatusAndFirstOutputLine() throws Exception {
        DeviceException e = assertThrows(DeviceException.class,
                () -> IfScript.run(script("echo cannot bring up $1\nexit 3"), "tap7"));
        assertTrue(e.getMessage().endsWith("failed with status 3: cannot bring up tap7"), e.getMessage());
    }
}
