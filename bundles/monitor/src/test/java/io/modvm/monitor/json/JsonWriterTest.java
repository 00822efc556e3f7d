package io.modvm.monitor.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonWriterTest {
    @Test
    void writesQemusSeparatorsAndKeepsKeyOrder() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("return", Map.of());
        map.put("id", Arrays.asList(1L, true, null, List.of()));
        assertEquals("{\"return\": {}, \"id\": [1, true, null, []]}", JsonWriter.write(map));
    }

    @Test
    void escapesEverythingOutsidePrintableAsciiAsQemuDoes() {
        assertEquals("\"\\u00E9\\uD83D\\uDE00\\n\"", JsonWriter.write("\u00e9\ud83d\ude00\n"));
        assertEquals("\"\\u0000\\u001F\\u007F /\"", JsonWriter.write("\u0000\u001f\u007f /"));
        assertEquals("\"\\\"\\\\\\b\\f\\r\\t\"", JsonWriter.write("\"\\\b\f\r\t"));
    }

    @Test
    void numbersOfEveryJavaKind() {
        assertEquals("[1, 2, 3, 4, 18446744073709551615, 1.5, 0.25, -0.0]", JsonWriter.write(List.of(1, 2L,
                (short) 3, (byte) 4, new BigInteger("18446744073709551615"), 1.5, 0.25f, -0.0)));
    }

    @Test
    void refusesWhatJsonCannotCarry() {
        assertThrows(IllegalArgumentException.class, () -> JsonWriter.write(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> JsonWriter.write(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> JsonWriter.write(new Object()));
        assertThrows(IllegalArgumentException.class, () -> JsonWriter.write(Map.of(1, "x")));
    }
}
