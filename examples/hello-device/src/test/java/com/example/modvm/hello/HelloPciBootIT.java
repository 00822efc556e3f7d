package com.example.modvm.hello;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.testkit.boot.ModvmExtension;
import io.modvm.testkit.boot.ModvmLauncher;
import io.modvm.testkit.boot.RunningModvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * hello-pci in a real modvm: the jar this build made goes into a copy of the distribution at modvm.home, and the
 * tiny guest in guest/hello_pci.c finds the device by its IDs and reads and writes its registers.
 */
@ExtendWith(ModvmExtension.class)
class HelloPciBootIT {
    private static final Duration BOOT = Duration.ofSeconds(90);

    @Test
    void theGuestFindsTheDeviceAndItsRegistersWork(ModvmLauncher modvm) throws Exception {
        Path jar = Path.of(System.getProperty("plugin.jar", "target/hello-device-1.0.0.jar"));
        String guest = Files.readString(Path.of("guest/hello_pci.c"));
        try (RunningModvm vm = modvm.plugin(jar).guest("hello_pci", guest).args("-device", "hello-pci").start()) {
            vm.awaitOutput("hello: done", BOOT);
            String out = vm.output();
            assertTrue(out.contains("hello: id 4d564845"), out);
            assertTrue(out.contains("hello: scratch cafef00d"), out);
            assertTrue(out.contains("hello: id after write 4d564845"), out);
        }
    }
}
