package io.modvm.monitor.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonFramerTest {
    private static List<String> frames(String input) throws Exception {
        JsonFramer framer = new JsonFramer(new StringReader(input));
        List<String> out = new ArrayList<>();
        String m;
        while ((m = framer.next()) != null) {
            out.add(m);
        }
        return out;
    }

    @Test
    void messagesAreCutByBracketsNotLines() throws Exception {
        assertEquals(List.of("{\"a\": 1}", "{\"b\":\n [2]}", "[3]"),
                frames("{\"a\": 1}{\"b\":\n [2]}\r\n  [3]"));
    }

    @Test
    void bracketsAndQuotesInsideStringsDoNotCount() throws Exception {
        assertEquals(List.of("{\"a\": \"}]{[\\\"\"}", "{}"), frames("{\"a\": \"}]{[\\\"\"}\n{}"));
    }

    @Test
    void bareTopLevelTokensAreMessagesOfTheirOwn() throws Exception {
        assertEquals(List.of("12", "tru", "\"s\"", "]", "}", ",", "null", "{}"),
                frames("12 tru\n\"s\"]} , null{}"));
    }

    @Test
    void anUnfinishedMessageAtTheEndIsDropped() throws Exception {
        assertEquals(List.of("{}"), frames("{} {\"execute\": \"stop\""));
    }

    @Test
    void anOversizedMessageIsReportedAndTheRestOfItsLineSkipped() throws Exception {
        String big = "[\"" + "x".repeat(JsonFramer.MAX_MESSAGE) + "\"] trailing\n{\"ok\": 1}";
        JsonFramer framer = new JsonFramer(new StringReader(big));
        assertEquals("message too large", assertThrows(JsonException.class, framer::next).getMessage());
        assertEquals("{\"ok\": 1}", framer.next());
        assertNull(framer.next());
    }

    @Test
    void tooDeepNestingIsReported() throws Exception {
        JsonFramer framer = new JsonFramer(new StringReader("[".repeat(2000) + "\n{}"));
        assertEquals("nesting too deep", assertThrows(JsonException.class, framer::next).getMessage());
        assertEquals("{}", framer.next());
    }
}
