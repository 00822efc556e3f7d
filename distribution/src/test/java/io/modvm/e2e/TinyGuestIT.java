package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Tiny guests booted by bin/modvm under the real KVM, driving the emulated devices. */
@Timeout(120)
class TinyGuestIT {
    private static final Duration RUN = Duration.ofSeconds(60);
    private static final String DEBUG_EXIT = "isa-debug-exit,iobase=0x501,iosize=2";

    @Test
    void serialOutputAndDebugExitCode() throws Exception {
        ModvmProcess p = ModvmProcess.runToEnd(RUN, "-nographic", "-kernel", Guests.build("hello").toString(),
                "-append", "code=42", "-device", DEBUG_EXIT);
        assertTrue(p.stdout().contains("hello from a modvm test guest at CPL3"), p.stdout());
        assertEquals(Guests.status(42), p.exitValue(), p.stderr());
    }

    @Test
    void serialInputReachesAPollingGuest() throws Exception {
        try (ModvmProcess p = ModvmProcess.start("-kernel", Guests.build("echo").toString(), "-device",
                DEBUG_EXIT)) {
            p.awaitOutput("ready", RUN);
            p.type("ping\n");
            p.awaitOutput("got: ping (4 bytes)", RUN);
            p.type("a longer line that overflows the sixteen byte receive FIFO several times over\nquit\n");
            p.awaitOutput("got: a longer line that overflows the sixteen byte receive FIFO several times over", RUN);
            assertEquals(Guests.status(7), p.waitFor(RUN), p.stderr());
        }
    }

    @Test
    void serialInputRaisesIrq4() throws Exception {
        try (ModvmProcess p = ModvmProcess.start("-kernel", Guests.build("irq_echo").toString(), "-append",
                "bytes=20", "-device", DEBUG_EXIT)) {
            p.awaitOutput("ready", RUN);
            p.type("interrupt-driven-20");
            p.type("!");
            p.awaitOutput("irq got 20 bytes: interrupt-driven-20!", RUN);
            assertEquals(Guests.status(0), p.waitFor(RUN), p.stderr());
        }
    }

    @Test
    void portsAndMmioReachTheRightDeviceAndUnmappedAccessesAreIgnoredOnce() throws Exception {
        ModvmProcess p;
        try (ModvmProcess q = ModvmProcess.start(Map.of("MODVM_LOG", "info"), List.of(), "-kernel",
                Guests.build("dispatch").toString(), "-append", "pokes=500", "-device", DEBUG_EXIT, "-device",
                "pc-testdev")) {
            q.closeInput();
            q.waitFor(RUN);
            p = q;
        }
        assertTrue(p.stdout().contains("dispatch: 0 wrong, 500 unmapped pokes survived"), p.stdout());
        assertEquals(Guests.status(0x21), p.exitValue(), p.stderr());
        assertEquals(1, count(p.stderr(), "unmapped port 0x1234"), p.stderr());
        assertEquals(1, count(p.stderr(), "unmapped MMIO 0xd0000000"), p.stderr());
    }

    private static int count(String text, String what) {
        return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }

    @Test
    void twoVcpusBothRun() throws Exception {
        ModvmProcess p = ModvmProcess.runToEnd(RUN, "-smp", "2", "-kernel", Guests.build("smp").toString(),
                "-append", "cpus=2", "-device", DEBUG_EXIT);
        assertTrue(p.stdout().contains("cpus online: 2"), p.stdout());
        assertTrue(p.stdout().contains("cpu 1 counted 1000000"), p.stdout());
        assertTrue(p.stdout().contains("all 2 cpus counted"), p.stdout());
        assertEquals(Guests.status(0x32), p.exitValue(), p.stderr());
    }

    @Test
    void i8042ResetRestartsTheGuestAndCmosRamSurvives() throws Exception {
        ModvmProcess p = ModvmProcess.runToEnd(RUN, "-kernel", Guests.build("reboot").toString(), "-append",
                "boots=3", "-device", DEBUG_EXIT);
        assertTrue(p.stdout().contains("boot 1"), p.stdout());
        assertTrue(p.stdout().contains("boot 2"), p.stdout());
        assertTrue(p.stdout().contains("boot 3"), p.stdout());
        assertEquals(Guests.status(0x43), p.exitValue(), p.stderr());
    }

    /** The guest reset itself: QMP hears of it as QEMU announces a guest's reset. */
    @Test
    void aResetTheGuestAsksForIsAnnouncedAsTheGuests(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("qmp.sock");
        try (ModvmProcess p = ModvmProcess.start("-kernel", Guests.build("reboot").toString(), "-append",
                "boots=2 wait", "-device", DEBUG_EXIT, "-qmp", "unix:" + socket + ",server,nowait");
                QmpTestClient c = QmpTestClient.connect(socket, p, Duration.ofSeconds(60))) {
            c.negotiate();
            p.awaitOutput("boot 1", Duration.ofSeconds(60));
            p.type("r");
            assertEquals(Guests.status(0x42), p.waitFor(Duration.ofSeconds(60)), p.stderr());
            c.readToEnd();
            Map<String, Object> reset = c.events().stream().filter(e -> "RESET".equals(e.get("event")))
                    .findFirst().orElseThrow(() -> new AssertionError("no RESET in " + c.events()));
            assertEquals(Map.of("guest", true, "reason", "guest-reset"), reset.get("data"));
        }
    }

    @Test
    void i8042ResetEndsModvmUnderNoReboot() throws Exception {
        ModvmProcess p = ModvmProcess.runToEnd(RUN, "-no-reboot", "-kernel", Guests.build("reboot").toString(),
                "-append", "boots=3", "-device", DEBUG_EXIT);
        assertTrue(p.stdout().contains("boot 1"), p.stdout());
        assertFalse(p.stdout().contains("boot 2"), p.stdout());
        assertEquals(0, p.exitValue(), p.stderr());
    }

    @Test
    void tripleFaultIsReportedWithRegisters() throws Exception {
        ModvmProcess p = ModvmProcess.runToEnd(RUN, "-kernel", Guests.build("triple").toString());
        assertTrue(p.stdout().contains("about to triple-fault"), p.stdout());
        assertEquals(1, p.exitValue());
        assertTrue(p.stderr().contains("modvm: vCPU 0: the guest triple-faulted"), p.stderr());
        assertTrue(p.stderr().contains("modvm: vCPU 0 registers: rip="), p.stderr());
    }

    @Test
    void internalErrorIsReportedWithRegisters() throws Exception {
        ModvmProcess p = ModvmProcess.runToEnd(RUN, "-kernel", Guests.build("mmio_exec").toString());
        assertTrue(p.stdout().contains("jumping into MMIO"), p.stdout());
        assertEquals(1, p.exitValue());
        assertTrue(p.stderr().contains("modvm: vCPU 0: KVM internal error"), p.stderr());
        assertTrue(p.stderr().contains("registers: rip=00000000d0000000"), p.stderr());
    }

    @Test
    void sigtermEndsARunningGuestCleanly() throws Exception {
        try (ModvmProcess p = ModvmProcess.start("-kernel", Guests.build("spin").toString())) {
            p.awaitOutput("spinning", RUN);
            p.terminate();
            p.waitFor(Duration.ofSeconds(20));
            assertFalse(p.stderr().contains("Exception"), p.stderr());
            assertFalse(p.isAlive());
        }
    }

    @Test
    void ctrlAXQuits() throws Exception {
        try (ModvmProcess p = ModvmProcess.start("-smp", "1", "-kernel", Guests.build("spin").toString())) {
            p.awaitOutput("spinning", RUN);
            p.type("\u0001x");
            assertEquals(0, p.waitFor(RUN), p.stderr());
            assertTrue(p.stdout().contains("terminated by Ctrl-A x"), p.stdout());
        }
    }
}
