package io.modvm.monitor.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonParserTest {
    @Test
    void objectsKeepTheirKeyOrder() throws Exception {
        Map<?, ?> map = (Map<?, ?>) JsonParser.parse("{\"z\": 1, \"a\": 2, \"m\": 3}");
        assertEquals(List.of("z", "a", "m"), new ArrayList<>(map.keySet()));
    }

    @Test
    void roundTripKeepsEveryValueAndType() throws Exception {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("t", true);
        inner.put("f", false);
        inner.put("n", null);
        inner.put("empty", Map.of());
        inner.put("none", List.of());
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("long", Long.MAX_VALUE);
        value.put("negative", Long.MIN_VALUE);
        value.put("double", 1.5e-300);
        value.put("text", "quote \" backslash \\ slash / tab \t nl \n cr \r bs \b ff \f nul \u0000 del \u007f");
        value.put("unicode", "\u00e9\u4e2d\ud83d\ude00");
        value.put("list", Arrays.asList(1L, -2.25, "x", null, List.of(List.of()), inner));
        String text = JsonWriter.write(value);
        assertEquals(value, JsonParser.parse(text));
        assertEquals(text, JsonWriter.write(JsonParser.parse(text)));
    }

    @Test
    void integersThatFitAreLongsAndTheRestDoubles() throws Exception {
        assertEquals(9223372036854775807L, JsonParser.parse("9223372036854775807"));
        assertEquals(-9223372036854775808L, JsonParser.parse("-9223372036854775808"));
        Object tooBig = JsonParser.parse("18446744073709551615");
        assertInstanceOf(Double.class, tooBig);
        assertEquals(1.8446744073709552E19, tooBig);
        assertEquals(1e20, JsonParser.parse("100000000000000000000"));
        assertEquals(1500.0, JsonParser.parse("1.5e3"));
        assertEquals(-0.0, JsonParser.parse("-0.0"));
        assertEquals(0L, JsonParser.parse("-0"));
        assertEquals(1e-5, JsonParser.parse("1E-5"));
        assertEquals(12.0, JsonParser.parse("1.2E+1"));
    }

    @Test
    void escapesDecodeIncludingSurrogatePairs() throws Exception {
        assertEquals("\"\\/\b\f\n\r\t", JsonParser.parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""));
        assertEquals("\u00e9", JsonParser.parse("\"\\u00E9\""));
        assertEquals("\ud83d\ude00", JsonParser.parse("\"\\ud83d\\ude00\""));
        assertEquals("\u0000", JsonParser.parse("\"\\u0000\""));
        assertEquals("\u00e9 raw", JsonParser.parse("\"\u00e9 raw\""));
    }

    @Test
    void whitespaceAroundAndInsideIsAllowed() throws Exception {
        assertEquals(List.of(1L, Map.of("a", 2L)), JsonParser.parse(" \t\r\n[ 1 ,\n{ \"a\" : 2 } ] \n"));
        assertNull(JsonParser.parse("null"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{bad}|invalid keyword 'bad'",
        "{\"execute\":}|expecting value",
        "]|expecting value",
        "{\"a\" 1}|missing : in object pair",
        "{\"a\":1 \"b\":2}|expected separator in dict",
        "[1 2]|expected separator in list",
        "{1:2}|key is not a string in object",
        "{\"a\":tru}|invalid keyword 'tru'",
        "{\"a\":01}|stray '01'",
        "{\"a\":\"\\x\"}|invalid escape sequence in string",
        "{\"a\":1,}|expecting value",
        "[1,]|expecting value",
        "{\"a\":-}|stray '-'",
        "{\"a\":1.}|stray '1.'",
        "{\"a\":1e}|stray '1e'",
        "{\"a\":\"\\ud800\"}|\\ud800 is not a valid Unicode character",
        "{\"a\":\"\\udc00x\"}|\\udc00 is not a valid Unicode character",
        "{\"a\":1e400}|number out of range '1e400'",
        "{\"a\":1,\"a\":2}|duplicate key 'a' in object",
        "{\"a\":1}}|expecting end of input, found '}'",
        "``|expecting value",
        "\"open|unterminated string",
        "{\"a\":True}|invalid keyword 'True'",
        "{\"a\":NaN}|invalid keyword 'NaN'",
        "{\"a\":.5}|expecting value",
        "{\"a\":+1}|expecting value",
        "{\"a\":\"\\u12\"}|invalid escape sequence in string",
    })
    void rejectsWhatStrictJsonRejectsWithQemusWords(String text, String detail) {
        JsonException e = assertThrows(JsonException.class, () -> JsonParser.parse(text));
        assertEquals(detail, e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"tab\there\"", "\"nl\nhere\"", "\"\u001f\""})
    void rawControlCharactersInStringsAreRejected(String text) {
        assertThrows(JsonException.class, () -> JsonParser.parse(text));
    }

    @Test
    void emptyInputIsRejected() {
        assertEquals("expecting value", assertThrows(JsonException.class, () -> JsonParser.parse("  ")).getMessage());
    }

    @Test
    void nestingDeeperThanTheLimitIsRejected() throws Exception {
        String ok = "[".repeat(JsonParser.MAX_DEPTH) + "]".repeat(JsonParser.MAX_DEPTH);
        assertInstanceOf(List.class, JsonParser.parse(ok));
        String deep = "[".repeat(JsonParser.MAX_DEPTH + 1) + "]".repeat(JsonParser.MAX_DEPTH + 1);
        assertEquals("nesting too deep", assertThrows(JsonException.class, () -> JsonParser.parse(deep)).getMessage());
    }
}
