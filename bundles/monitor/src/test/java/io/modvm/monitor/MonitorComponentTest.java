package io.modvm.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.monitor.machine.MachineCommandsAccess;
import io.modvm.monitor.testing.FakeCommand;
import io.modvm.monitor.testing.FakeMachine;
import io.modvm.monitor.testing.UnixClient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MonitorComponentTest {
    @TempDir
    Path dir;

    private final FakeMachine machine = new FakeMachine();
    private MonitorComponent monitor = new MonitorComponent("9.9.9", InputStream.nullInputStream(),
            new ByteArrayOutputStream());

    @AfterEach
    void tearDown() {
        monitor.deactivate();
    }

    private Path qmpSocket() {
        return dir.resolve("qmp.sock");
    }

    private Path hmpSocket() {
        return dir.resolve("hmp.sock");
    }

    private void bindMachine() {
        MachineCommandsAccess.all(machine).forEach(monitor::addCommand);
        monitor.addMachine(machine, Map.of(
                MonitorComponent.PROP_QMP, new String[] {"unix:" + qmpSocket() + ",server,nowait"},
                MonitorComponent.PROP_MONITOR, new String[] {"unix:" + hmpSocket() + ",server=on,wait=off"}));
    }

    private static UnixClient negotiated(Path path) throws Exception {
        UnixClient c = new UnixClient(path);
        assertTrue(c.line().startsWith("{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}, "
                + "\"package\": \" modvm 9.9.9\"}"));
        c.send("{\"execute\": \"qmp_capabilities\"}\n");
        assertEquals("{\"return\": {}}", c.line());
        return c;
    }

    @Test
    void qmpOverTheMachinesSocketDrivesTheMachineAndCarriesEvents() throws Exception {
        bindMachine();
        try (UnixClient c = negotiated(qmpSocket()); UnixClient other = negotiated(qmpSocket())) {
            c.send("{\"execute\": \"query-status\", \"id\": 1}\n");
            assertEquals("{\"return\": {\"status\": \"running\", \"singlestep\": false, \"running\": true}, \"id\": 1}",
                    c.line());
            c.send("{\"execute\": \"stop\"}\n");
            assertEquals("{\"return\": {}}", c.line());
            monitor.emit("STOP", null);
            assertTrue(c.line().endsWith("\"event\": \"STOP\"}"));
            assertTrue(other.line().endsWith("\"event\": \"STOP\"}"));
            c.send("{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": \"info status\"}}\n");
            assertEquals("{\"return\": \"VM status: paused\\r\\n\"}", c.line());
            c.send("{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": 5}}\n");
            assertEquals("{\"error\": {\"class\": \"GenericError\", \"desc\": "
                    + "\"Invalid parameter type for 'command-line', expected: string\"}}", c.line());
            c.send("{\"execute\": \"human-monitor-command\", \"arguments\": {}}\n");
            assertEquals("{\"error\": {\"class\": \"GenericError\", \"desc\": \"Parameter 'command-line' is missing\"}}",
                    c.line());
            c.send("{\"execute\": \"query-version\"}\n");
            assertEquals("{\"return\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}, "
                    + "\"package\": \" modvm 9.9.9\"}}", c.line());
            c.send("{\"execute\": \"cont\"}\n");
            assertEquals("{\"return\": {}}", c.line());
            c.send("{\"execute\": \"quit\"}\n");
            assertEquals("{\"return\": {}}", c.line());
        }
        assertEquals(List.of("pause", "resume", "quit 0"), machine.calls());
    }

    @Test
    void hmpOverTheMachinesSocket() throws Exception {
        bindMachine();
        try (UnixClient c = new UnixClient(hmpSocket())) {
            assertEquals("QEMU 7.2.0 monitor - type 'help' for more information", c.line());
            c.send("info status\n");
            assertEquals("(qemu) VM status: running", c.line());
            c.send("xyz\n");
            assertEquals("(qemu) unknown command: 'xyz'", c.line());
            c.send("info version\n");
            assertEquals("(qemu) 7.2.0 modvm 9.9.9", c.line());
        }
    }

    @Test
    void queryCommandsFollowsTheRegistry() throws Exception {
        bindMachine();
        FakeCommand balloon = new FakeCommand("query-balloon", "info balloon", args -> Map.of("actual", 1L));
        monitor.addCommand(balloon);
        try (UnixClient c = negotiated(qmpSocket())) {
            c.send("{\"execute\": \"query-commands\"}\n");
            String list = c.line();
            for (String name : new String[] {"qmp_capabilities", "query-version", "query-commands",
                "human-monitor-command", "query-status", "stop", "cont", "system_reset", "system_powerdown", "quit",
                "query-balloon"}) {
                assertTrue(list.contains("{\"name\": \"" + name + "\"}"), name + " missing from " + list);
            }
            monitor.removeCommand(balloon);
            c.send("{\"execute\": \"query-commands\"}\n");
            assertFalse(c.line().contains("query-balloon"));
            assertEquals("unknown command: 'info balloon'\r\n", monitor.execute("info balloon"));
        }
    }

    @Test
    void aClientThatLeavesMidCommandLetsTheCommandFinishAndOthersGoOn() throws Exception {
        bindMachine();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        FakeCommand slow = new FakeCommand("slow", null, args -> {
            started.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            machine.reset();
            done.countDown();
            return Map.of();
        });
        monitor.addCommand(slow);
        try (UnixClient leaving = negotiated(qmpSocket()); UnixClient staying = negotiated(qmpSocket())) {
            leaving.send("{\"execute\": \"slow\"}\n");
            assertTrue(started.await(30, TimeUnit.SECONDS));
            leaving.close();
            release.countDown();
            assertTrue(done.await(30, TimeUnit.SECONDS), "the command did not finish after its client left");
            staying.send("{\"execute\": \"query-status\"}\n");
            assertTrue(staying.line().startsWith("{\"return\": {\"status\": \"running\""));
        }
        assertEquals(List.of("reset"), machine.calls());
    }

    @Test
    void whenTheMachineGoesItsClientsGetWhatWasQueuedThenItsSocketsCloseAndTheirFilesGo() throws Exception {
        bindMachine();
        assertTrue(Files.exists(qmpSocket()));
        try (UnixClient c = negotiated(qmpSocket())) {
            monitor.emit("SHUTDOWN", Map.of("guest", false, "reason", "host-qmp-quit"));
            monitor.removeMachine(machine);
            assertTrue(c.line().contains("\"event\": \"SHUTDOWN\""), "the last event was lost at hang-up");
            assertTrue(c.awaitHangUp());
        }
        assertFalse(Files.exists(qmpSocket()));
        assertFalse(Files.exists(hmpSocket()));
    }

    @Test
    void anEndpointThatCannotOpenLeavesTheOthersServing() throws Exception {
        MachineCommandsAccess.all(machine).forEach(monitor::addCommand);
        monitor.addMachine(machine, Map.of(MonitorComponent.PROP_QMP, new String[] {"tcp:localhost:4444",
            "unix:" + dir.resolve("missing/q.sock") + ",server,nowait", "unix:" + qmpSocket() + ",server,nowait"}));
        try (UnixClient c = negotiated(qmpSocket())) {
            c.send("{\"execute\": \"query-status\"}\n");
            assertTrue(c.line().startsWith("{\"return\""));
        }
    }

    @Test
    void hmpOnStdio() throws Exception {
        monitor.deactivate();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        monitor = new MonitorComponent("9.9.9", new ByteArrayInputStream("info status\nstop\n".getBytes(
                StandardCharsets.UTF_8)), out);
        MachineCommandsAccess.all(machine).forEach(monitor::addCommand);
        monitor.addMachine(machine, Map.of(MonitorComponent.PROP_MONITOR, "stdio"));
        String expected = "QEMU 7.2.0 monitor - type 'help' for more information\r\n(qemu) VM status: running\r\n"
                + "(qemu) (qemu) ";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!out.toString(StandardCharsets.UTF_8).equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(expected, out.toString(StandardCharsets.UTF_8));
        assertEquals(List.of("pause"), machine.calls());
    }
}
