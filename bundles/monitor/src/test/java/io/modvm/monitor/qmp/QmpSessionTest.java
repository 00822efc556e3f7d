package io.modvm.monitor.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.monitor.MonitorException;
import io.modvm.monitor.command.CommandTable;
import io.modvm.monitor.command.QmpCapabilitiesCommand;
import io.modvm.monitor.command.QueryCommandsCommand;
import io.modvm.monitor.command.QueryVersionCommand;
import io.modvm.monitor.testing.FakeCommand;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class QmpSessionTest {
    private static final String NEGOTIATE = "{\"execute\": \"qmp_capabilities\"}";
    private static final String RETURN_EMPTY = "{\"return\": {}}";

    private final CommandTable table = new CommandTable();
    private final EventHub events = new EventHub(Clock.fixed(Instant.ofEpochSecond(1700000000L, 123456789),
            ZoneOffset.UTC));
    private final FakeCommand echo = new FakeCommand("echo", null, args -> args);
    private QmpPipe client;

    @BeforeEach
    void setUp() throws Exception {
        QueryVersionCommand version = new QueryVersionCommand("1.2.3");
        table.add(new QmpCapabilitiesCommand());
        table.add(version);
        table.add(new QueryCommandsCommand(table));
        table.add(echo);
        table.add(new FakeCommand("explode", null, args -> {
            throw new IllegalStateException("boom");
        }));
        table.add(new FakeCommand("refuse", null,
                args -> new MonitorException(MonitorException.DEVICE_NOT_FOUND, "Device 'x' not found")));
        table.add(new FakeCommand("unwritable", null, args -> new Object()));
        client = new QmpPipe(new QmpClient(table, version.version(), events));
    }

    @AfterEach
    void tearDown() throws Exception {
        client.close();
        assertNull(client.failure);
    }

    private void negotiate() throws Exception {
        client.line();
        client.send(NEGOTIATE);
        assertEquals(RETURN_EMPTY, client.line());
    }

    @Test
    void greetingHasQemusShapeAndWording() throws Exception {
        assertEquals("{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}, "
                + "\"package\": \" modvm 1.2.3\"}, \"capabilities\": [\"oob\"]}}", client.line());
    }

    @Test
    void onlyCapabilitiesNegotiationIsAcceptedFirst() throws Exception {
        client.line();
        client.send("{\"execute\": \"echo\", \"id\": 1}");
        assertEquals("{\"id\": 1, \"error\": {\"class\": \"CommandNotFound\", \"desc\": "
                + "\"Expecting capabilities negotiation with 'qmp_capabilities'\"}}", client.line());
        client.send("{\"execute\": \"bogus\"}");
        assertEquals("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
                + "\"Expecting capabilities negotiation with 'qmp_capabilities'\"}}", client.line());
        client.send("[1, 2]");
        assertEquals("{\"error\": {\"class\": \"GenericError\", \"desc\": \"QMP input must be a JSON object\"}}",
                client.line());
        assertTrue(echo.calls.isEmpty());
        client.send("{\"execute\": \"qmp_capabilities\", \"id\": {\"a\": [1]}}");
        assertEquals("{\"return\": {}, \"id\": {\"a\": [1]}}", client.line());
        client.send("{\"execute\": \"qmp_capabilities\"}");
        assertEquals("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
                + "\"Capabilities negotiation is already complete, command ignored\"}}", client.line());
        client.send("{\"execute\": \"echo\", \"arguments\": {\"x\": 1}}");
        assertEquals("{\"return\": {\"x\": 1}}", client.line());
    }

    @Test
    void capabilityArgumentsAreChecked() throws Exception {
        client.line();
        client.send("{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"foo\"]}}");
        assertEquals("{\"error\": {\"class\": \"GenericError\", \"desc\": "
                + "\"Parameter 'enable[0]' does not accept value 'foo'\"}}", client.line());
        client.send("{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": \"oob\"}}");
        assertEquals("{\"error\": {\"class\": \"GenericError\", \"desc\": "
                + "\"Invalid parameter type for 'enable', expected: array\"}}", client.line());
        client.send("{\"execute\": \"qmp_capabilities\", \"arguments\": {\"foo\": 1}}");
        assertEquals("{\"error\": {\"class\": \"GenericError\", \"desc\": \"Parameter 'foo' is unexpected\"}}",
                client.line());
        client.send("{\"exec-oob\": \"echo\"}");
        assertEquals("{\"error\": {\"class\": \"GenericError\", \"desc\": "
                + "\"QMP input member 'exec-oob' is unexpected\"}}", client.line());
        client.send("{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"oob\"]}}");
        assertEquals(RETURN_EMPTY, client.line());
        client.send("{\"exec-oob\": \"echo\", \"id\": 1}");
        assertEquals("{\"id\": 1, \"error\": {\"class\": \"GenericError\", \"desc\": "
                + "\"The command echo does not support OOB\"}}", client.line());
        client.send("{\"exec-oob\": \"nope\"}");
        assertEquals("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command nope has not been found\"}}",
                client.line());
    }

    @Test
    void idIsEchoedAsGivenWheneverTheRequestHadOne() throws Exception {
        negotiate();
        client.send("{\"execute\": \"echo\", \"id\": \"abc\\u00e9\"}");
        assertEquals("{\"return\": {}, \"id\": \"abc\\u00E9\"}", client.line());
        client.send("{\"id\": null, \"execute\": \"echo\"}");
        assertEquals("{\"return\": {}, \"id\": null}", client.line());
        client.send("{\"execute\": \"echo\", \"id\": [1, {\"x\": true}, 2.5]}");
        assertEquals("{\"return\": {}, \"id\": [1, {\"x\": true}, 2.5]}", client.line());
        client.send("{\"execute\": \"bogus\", \"id\": 7}");
        assertEquals("{\"id\": 7, \"error\": {\"class\": \"CommandNotFound\", \"desc\": "
                + "\"The command bogus has not been found\"}}", client.line());
        client.send("{\"execute\": \"echo\", \"id\": 8, \"foo\": 1}");
        assertEquals("{\"id\": 8, \"error\": {\"class\": \"GenericError\", \"desc\": "
                + "\"QMP input member 'foo' is unexpected\"}}", client.line());
        client.send("{\"execute\": \"echo\"}");
        assertEquals(RETURN_EMPTY, client.line());
    }

    @Test
    void malformedRequestsGetQemusErrors() throws Exception {
        negotiate();
        String[][] cases = {
            {"{bad}", "JSON parse error, invalid keyword 'bad'"},
            {"{\"execute\":}", "JSON parse error, expecting value"},
            {"]", "JSON parse error, expecting value"},
            {"\"str\"", "QMP input must be a JSON object"},
            {"42", "QMP input must be a JSON object"},
            {"{\"execute\": 1}", "QMP input member 'execute' must be a string"},
            {"{\"execute\": \"echo\", \"arguments\": []}", "QMP input member 'arguments' must be an object"},
            {"{\"arguments\": {}}", "QMP input lacks member 'execute'"},
            {"{}", "QMP input lacks member 'execute'"},
            {"{\"execute\": \"query-version\", \"arguments\": {\"x\": 1}}", "Parameter 'x' is unexpected"},
            {"{\"execute\": \"explode\"}", "explode failed: java.lang.IllegalStateException: boom"},
            {"{\"execute\": \"unwritable\"}", "the command returned a value JSON cannot carry"},
        };
        for (String[] c : cases) {
            client.send(c[0] + "\n");
            assertEquals("{\"error\": {\"class\": \"GenericError\", \"desc\": \"" + c[1] + "\"}}", client.line(),
                    c[0]);
        }
        client.send("{\"execute\": \"refuse\"}");
        assertEquals("{\"error\": {\"class\": \"DeviceNotFound\", \"desc\": \"Device 'x' not found\"}}",
                client.line());
        client.send("{\"execute\": \"bogus\"}");
        assertEquals("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command bogus has not been found\"}}",
                client.line());
    }

    @Test
    void severalRequestsInOneWriteAndOneSpreadOverLinesAreEachAnswered() throws Exception {
        negotiate();
        client.send("{\"execute\": \"echo\", \"id\": 1}{\"execute\": \"echo\", \"id\": 2}\n{\"execute\":\n\"echo\",");
        assertEquals("{\"return\": {}, \"id\": 1}", client.line());
        assertEquals("{\"return\": {}, \"id\": 2}", client.line());
        client.send("\r\n \"id\": 3}");
        assertEquals("{\"return\": {}, \"id\": 3}", client.line());
    }

    @Test
    void argumentsReachTheCommandInOrder() throws Exception {
        negotiate();
        client.send("{\"execute\": \"echo\", \"arguments\": {\"b\": [1, 2.5, \"x\"], \"a\": null}}");
        assertEquals("{\"return\": {\"b\": [1, 2.5, \"x\"], \"a\": null}}", client.line());
        Map<String, Object> args = echo.calls.get(0);
        assertEquals(List.of("b", "a"), new ArrayList<>(args.keySet()));
        assertEquals(List.of(1L, 2.5, "x"), args.get("b"));
    }

    @Test
    void eventsReachOnlyNegotiatedClientsStampedAsQemuStampsThem() throws Exception {
        client.line();
        events.emit("STOP", null);
        client.send("{\"execute\": \"echo\"}");
        assertTrue(client.line().contains("Expecting capabilities negotiation"), "an event came before negotiation");
        client.send(NEGOTIATE);
        assertEquals(RETURN_EMPTY, client.line());
        events.emit("STOP", null);
        assertEquals("{\"timestamp\": {\"seconds\": 1700000000, \"microseconds\": 123456}, \"event\": \"STOP\"}",
                client.line());
        events.emit("BROKEN", Map.of("data", new Object()));
        events.emit("SHUTDOWN", Map.of("guest", false));
        assertEquals("{\"timestamp\": {\"seconds\": 1700000000, \"microseconds\": 123456}, \"event\": \"SHUTDOWN\", "
                + "\"data\": {\"guest\": false}}", client.line());
    }

    @Test
    void queryCommandsListsTheTableAsItIsNow() throws Exception {
        negotiate();
        client.send("{\"execute\": \"query-commands\"}");
        String before = client.line();
        assertTrue(before.contains("{\"name\": \"echo\"}"), before);
        assertTrue(before.contains("{\"name\": \"qmp_capabilities\"}"), before);
        table.remove(echo);
        client.send("{\"execute\": \"query-commands\"}");
        assertFalse(client.line().contains("\"echo\""));
        client.send("{\"execute\": \"echo\"}");
        assertEquals("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command echo has not been found\"}}",
                client.line());
    }

    @Test
    void theSessionEndsWhenTheInputEndsAndStopsTakingEvents() throws Exception {
        negotiate();
        client.close();
        assertTrue(client.serverFinished());
        events.emit("STOP", null);
        assertEquals(0, client.waitingLines(), "a closed session still got an event");
    }
}
