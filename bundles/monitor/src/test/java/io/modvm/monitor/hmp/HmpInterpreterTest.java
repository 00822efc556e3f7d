package io.modvm.monitor.hmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.monitor.command.CommandTable;
import io.modvm.monitor.testing.FakeCommand;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HmpInterpreterTest {
    private final CommandTable table = new CommandTable();
    private final HmpInterpreter hmp = new HmpInterpreter(table);
    private final FakeCommand stop = new FakeCommand("stop", "stop", args -> Map.of());
    private final FakeCommand status = new FakeCommand("query-status", "info status", args -> Map.of());
    private final FakeCommand noHmp = new FakeCommand("query-qmp-only", null, args -> Map.of());

    /** {@code say TEXT}: parses its text, prints it back over two lines; {@code say fail} fails at run time. */
    private final MonitorCommand say = new MonitorCommand() {
        @Override
        public String name() {
            return "say";
        }

        @Override
        public String description() {
            return "print the text";
        }

        @Override
        public String hmpName() {
            return "say";
        }

        @Override
        public String hmpArguments() {
            return "text";
        }

        @Override
        public Object execute(Map<String, Object> arguments) throws MonitorException {
            if (arguments.get("text").equals("fail")) {
                throw new MonitorException(MonitorException.GENERIC_ERROR, "cannot say that");
            }
            return arguments.get("text");
        }

        @Override
        public Map<String, Object> parseHmp(String text) throws MonitorException {
            if (text.equals("crash")) {
                throw new IllegalStateException("parser bug");
            }
            if (text.isEmpty()) {
                throw new MonitorException(MonitorException.GENERIC_ERROR, "say: missing text");
            }
            return Map.of("text", text);
        }

        @Override
        public String formatHmp(Object result) {
            return "said:\n" + result;
        }
    };

    @BeforeEach
    void setUp() {
        List.of(stop, status, noHmp, say).forEach(table::add);
    }

    @Test
    void commandsAreFoundByTheirHmpNameAndTheirOutputEndsInCrlf() {
        assertEquals("said:\r\nhello  world\r\n", hmp.execute("  say   hello  world  "));
        assertEquals("", hmp.execute("stop"));
        assertEquals(1, stop.calls.size());
        assertEquals("", hmp.execute("info   status"));
        assertEquals(1, status.calls.size());
        assertEquals("", hmp.execute(""));
    }

    @Test
    void unknownCommandsAreNamedAsQemuNamesThem() {
        assertEquals("unknown command: 'xyz'\r\n", hmp.execute("xyz"));
        assertEquals("unknown command: 'info xyz'\r\n", hmp.execute("info xyz now"));
        assertEquals("unknown command: 'query-qmp-only'\r\n", hmp.execute("query-qmp-only"));
    }

    @Test
    void argumentErrorsPointToHelpAndFailuresSayError() {
        assertEquals("say: missing text\r\nTry \"help say\" for more information\r\n", hmp.execute("say"));
        assertEquals("Error: cannot say that\r\n", hmp.execute("say fail"));
        assertEquals("Error: java.lang.IllegalStateException: parser bug\r\n", hmp.execute("say crash"));
    }

    @Test
    void theDefaultParserRejectsArguments() {
        assertEquals("stop: too many arguments\r\nTry \"help stop\" for more information\r\n",
                hmp.execute("stop now"));
        assertTrue(stop.calls.isEmpty());
    }

    @Test
    void helpListsTheCommandsAndInfoListsTheInfoSubcommands() {
        String help = hmp.execute("help");
        assertEquals("help|? [cmd] -- show the help\r\n"
                + "info [subcommand] -- show various information about the system state\r\n"
                + "say text -- print the text\r\n"
                + "stop|s  -- fake stop\r\n", help);
        assertEquals(help, hmp.execute("?"));
        assertEquals("info status  -- fake query-status\r\n", hmp.execute("info"));
        assertEquals("info status  -- fake query-status\r\n", hmp.execute("help info"));
        assertEquals("say text -- print the text\r\n", hmp.execute("help say"));
        assertEquals("unknown command: 'nonesuch'\r\n", hmp.execute("help nonesuch"));
    }

    @Test
    void qemusOneLetterAliasesWork() {
        assertEquals("", hmp.execute("s"));
        assertEquals(1, stop.calls.size());
        assertEquals("stop|s  -- fake stop\r\n", hmp.execute("help s"));
        assertEquals("unknown command: 'c'\r\n", hmp.execute("c"));
    }

    @Test
    void aCommandThatLeavesTheTableLeavesHelpAndDispatch() {
        table.remove(say);
        assertFalse(hmp.execute("help").contains("say"));
        assertEquals("unknown command: 'say'\r\n", hmp.execute("say hi"));
    }

    @Test
    void lineEndsBecomeCrlfOnce() {
        assertEquals("a\r\nb\r\n", HmpInterpreter.crlf("a\nb"));
        assertEquals("a\r\nb\r\n", HmpInterpreter.crlf("a\r\nb\r\n"));
        assertEquals("", HmpInterpreter.crlf(""));
    }
}
