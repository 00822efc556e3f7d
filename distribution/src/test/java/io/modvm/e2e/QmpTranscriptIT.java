package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The same QMP transcript against QEMU 7.2 and against modvm, both running the same tiny guest: every answer must
 * have QEMU's shape (keys and value types), device-dependent answers must agree on the keys both have, and both
 * must send the STOP, RESUME, RESET and SHUTDOWN events, shaped alike. QEMU runs first, then modvm, one at a time.
 */
@Timeout(300)
class QmpTranscriptIT {
    private static final String QEMU = "qemu-system-x86_64";
    /** Plain "-cpu host" fails on the PVM build hosts (it writes MSR 0x10a); see bench/run. */
    private static final String QEMU_CPU = "host,-arch-capabilities,-cx16,kvm-steal-time=off";
    private static final Duration START = Duration.ofSeconds(60);
    private static final List<String> EVENTS = List.of("STOP", "RESUME", "RESET", "SHUTDOWN");

    /** What one VMM answered: the greeting, each step's answer by step name, and the events in order. */
    private record Transcript(Map<String, Object> greeting, Map<String, Map<String, Object>> answers,
            List<Map<String, Object>> events) {
        Object answer(String step) {
            return answers.get(step);
        }

        Map<String, Object> firstEvent(String name) {
            return events.stream().filter(e -> name.equals(e.get("event"))).findFirst().orElse(null);
        }
    }

    @Test
    void modvmAnswersTheTranscriptInQemusShapes() throws Exception {
        assumeTrue(onPath(QEMU), QEMU + " is not installed (Debian: apt-get install qemu-system-x86); the comparison "
                + "needs it");
        Path guest = Guests.build("spin");
        Path work = Files.createTempDirectory("qmp-transcript");
        try {
            Transcript qemu = runQemu(guest, work);
            Transcript modvm = runModvm(guest, work);
            compare(qemu, modvm);
        } finally {
            try (Stream<Path> files = Files.list(work)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(work);
        }
    }

    private static Transcript runQemu(Path guest, Path work) throws Exception {
        Path socket = work.resolve("qemu.sock");
        Path log = work.resolve("qemu.log");
        Process qemu = new ProcessBuilder(QEMU, "-M", "pc", "-accel", "kvm", "-cpu", QEMU_CPU, "-m", "128",
                "-nodefaults", "-nographic", "-kernel", guest.toString(),
                "-qmp", "unix:" + socket + ",server,nowait")
                .redirectInput(new File("/dev/null")).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try (QmpTestClient client = QmpTestClient.connect(socket, START, qemu::isAlive, () -> read(log))) {
            Map<String, Map<String, Object>> answers = transcript(client);
            assertTrue(qemu.waitFor(60, TimeUnit.SECONDS), "QEMU still running after quit:\n" + read(log));
            client.readToEnd();
            return new Transcript(client.greeting(), answers, client.events());
        } finally {
            qemu.destroyForcibly();
        }
    }

    private static Transcript runModvm(Path guest, Path work) throws Exception {
        Path socket = work.resolve("modvm.sock");
        try (ModvmProcess modvm = ModvmProcess.start("-M", "pc", "-accel", "kvm", "-m", "128", "-nodefaults",
                "-nographic", "-kernel", guest.toString(), "-qmp", "unix:" + socket + ",server,nowait")) {
            modvm.closeInput();
            try (QmpTestClient client = QmpTestClient.connect(socket, modvm, START)) {
                Map<String, Map<String, Object>> answers = transcript(client);
                assertEquals(0, modvm.waitFor(Duration.ofSeconds(60)), "modvm's status after quit; stderr:\n"
                        + modvm.stderr());
                client.readToEnd();
                assertFalse(Files.exists(socket), "modvm left its QMP socket file behind");
                return new Transcript(client.greeting(), answers, client.events());
            }
        }
    }

    /**
     * The transcript itself, ending with quit. The caller waits for the VMM to exit before reading the rest (the
     * SHUTDOWN event), so that a VMM that ignores quit fails the test instead of blocking it.
     */
    private static Map<String, Map<String, Object>> transcript(QmpTestClient client) throws Exception {
        Map<String, Map<String, Object>> answers = new LinkedHashMap<>();
        answers.put("qmp_capabilities", client.execute("qmp_capabilities"));
        answers.put("query-version", client.execute("query-version"));
        answers.put("query-status running", client.execute("query-status"));
        answers.put("query-commands", client.execute("query-commands"));
        answers.put("stop", client.execute("stop"));
        answers.put("query-status paused", client.execute("query-status"));
        answers.put("cont", client.execute("cont"));
        answers.put("info status", client.execute("human-monitor-command", Map.of("command-line", "info status")));
        answers.put("query-pci", client.execute("query-pci"));
        answers.put("query-block", client.execute("query-block"));
        answers.put("system_reset", client.execute("system_reset"));
        answers.put("quit", client.execute("quit"));
        return answers;
    }

    private static void compare(Transcript qemu, Transcript modvm) {
        JsonShapes.assertSame("greeting", qemu.greeting(), modvm.greeting());
        List<String> steps = new ArrayList<>(qemu.answers().keySet());
        for (String step : steps) {
            if (step.equals("query-pci") || step.equals("query-block")) {
                assertAnsweredAlike(step, qemu.answer(step), modvm.answer(step));
                JsonShapes.assertCompatible(step, qemu.answer(step), modvm.answer(step));
            } else {
                JsonShapes.assertSame(step, qemu.answer(step), modvm.answer(step));
            }
        }
        // Values that are the same on any VMM in the same state:
        for (String step : List.of("query-status running", "query-status paused", "info status")) {
            assertEquals(returned(qemu, step), returned(modvm, step), step);
        }
        List<Object> modvmCommands = ((List<?>) returned(modvm, "query-commands")).stream()
                .map(c -> ((Map<?, ?>) c).get("name")).map(Object.class::cast).toList();
        for (String name : List.of("qmp_capabilities", "query-version", "query-status", "query-commands", "stop",
                "cont", "human-monitor-command", "system_reset", "system_powerdown", "quit")) {
            assertTrue(modvmCommands.contains(name), "query-commands lacks " + name + ": " + modvmCommands);
        }
        for (String event : EVENTS) {
            Map<String, Object> q = qemu.firstEvent(event);
            Map<String, Object> m = modvm.firstEvent(event);
            assertNotNull(q, "QEMU sent no " + event + "; its events: " + qemu.events());
            assertNotNull(m, "modvm sent no " + event + "; its events: " + modvm.events());
            JsonShapes.assertSame("event " + event, q, m);
        }
    }

    /** Both returned, or both failed with the same error class. */
    private static void assertAnsweredAlike(String step, Object qemu, Object modvm) {
        Map<?, ?> q = (Map<?, ?>) qemu;
        Map<?, ?> m = (Map<?, ?>) modvm;
        assertEquals(q.containsKey("return"), m.containsKey("return"), step + ": QEMU " + q + ", modvm " + m);
    }

    private static Object returned(Transcript t, String step) {
        Map<?, ?> answer = (Map<?, ?>) t.answer(step);
        assertTrue(answer.containsKey("return"), step + " failed: " + answer);
        return answer.get("return");
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no output)";
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }
}
