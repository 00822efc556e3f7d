package io.modvm.monitor.json;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses one JSON value, strictly (RFC 8259): no comments, no single quotes, no trailing commas, no leading zeros,
 * no lone surrogates, no raw control characters in strings, no duplicate keys, nothing after the value. Objects
 * become {@link LinkedHashMap}s in text order; integers that fit become {@code Long}, other numbers {@code Double}.
 * Error details use QEMU's words, so that a QMP client sees what QEMU would tell it.
 */
public final class JsonParser {
    /** As QEMU's parser: deeper input is hostile rather than useful. */
    static final int MAX_DEPTH = 1024;

    private final String text;
    private int pos;
    private int depth;

    private JsonParser(String text) {
        this.text = text;
    }

    /** Parses {@code text}, which must hold exactly one value (whitespace around it is allowed). */
    public static Object parse(String text) throws JsonException {
        JsonParser p = new JsonParser(text);
        p.skipWhitespace();
        Object value = p.value();
        p.skipWhitespace();
        if (p.pos < text.length()) {
            throw new JsonException("expecting end of input, found '" + p.rest() + "'");
        }
        return value;
    }

    private Object value() throws JsonException {
        if (pos >= text.length()) {
            throw new JsonException("expecting value");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            default:
                if (c == '-' || c >= '0' && c <= '9') {
                    return number();
                }
                if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
                    return keyword();
                }
                throw new JsonException("expecting value");
        }
    }

    private Map<String, Object> object() throws JsonException {
        enter();
        pos++;
        Map<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            depth--;
            return map;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                if (peek() == -1 || peek() == '}') {
                    throw new JsonException("expecting value");
                }
                if (Character.isLetter(peek())) {
                    keyword(); // a misspelt word is reported as such, as QEMU's lexer reports it first
                }
                throw new JsonException("key is not a string in object");
            }
            String key = string();
            skipWhitespace();
            if (peek() != ':') {
                throw new JsonException("missing : in object pair");
            }
            pos++;
            skipWhitespace();
            Object value = value();
            if (map.containsKey(key)) {
                throw new JsonException("duplicate key '" + key + "' in object");
            }
            map.put(key, value);
            skipWhitespace();
            int c = peek();
            pos++;
            if (c == '}') {
                depth--;
                return map;
            }
            if (c != ',') {
                throw new JsonException("expected separator in dict");
            }
        }
    }

    private List<Object> array() throws JsonException {
        enter();
        pos++;
        List<Object> list = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            depth--;
            return list;
        }
        while (true) {
            skipWhitespace();
            list.add(value());
            skipWhitespace();
            int c = peek();
            pos++;
            if (c == ']') {
                depth--;
                return list;
            }
            if (c != ',') {
                throw new JsonException("expected separator in list");
            }
        }
    }

    private void enter() throws JsonException {
        if (++depth > MAX_DEPTH) {
            throw new JsonException("nesting too deep");
        }
    }

    private String string() throws JsonException {
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw new JsonException("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                throw new JsonException(String.format("control character U+%04X in string", (int) c));
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw new JsonException("unterminated string");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> sb.appendCodePoint(unicodeEscape());
                default -> throw new JsonException("invalid escape sequence in string");
            }
        }
    }

    /** The code point of a {@code \\uXXXX} escape, joining a surrogate pair written as two escapes. */
    private int unicodeEscape() throws JsonException {
        int start = pos - 2;
        char unit = hex4();
        if (Character.isLowSurrogate(unit)) {
            throw notUnicode(start);
        }
        if (!Character.isHighSurrogate(unit)) {
            return unit;
        }
        if (!text.startsWith("\\u", pos)) {
            throw notUnicode(start);
        }
        pos += 2;
        char low = hex4();
        if (!Character.isLowSurrogate(low)) {
            throw notUnicode(start);
        }
        return Character.toCodePoint(unit, low);
    }

    private JsonException notUnicode(int start) {
        return new JsonException(text.substring(start, Math.min(text.length(), start + 6))
                + " is not a valid Unicode character");
    }

    private char hex4() throws JsonException {
        if (pos + 4 > text.length()) {
            throw new JsonException("invalid escape sequence in string");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(text.charAt(pos++), 16);
            if (d < 0) {
                throw new JsonException("invalid escape sequence in string");
            }
            v = v << 4 | d;
        }
        return (char) v;
    }

    private Object number() throws JsonException {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
            if (isDigit(peek())) {
                throw stray(start);
            }
        } else if (!digits()) {
            throw stray(start);
        }
        boolean integral = true;
        if (peek() == '.') {
            pos++;
            integral = false;
            if (!digits()) {
                throw stray(start);
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            integral = false;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!digits()) {
                throw stray(start);
            }
        }
        if (Character.isLetterOrDigit(peek()) || peek() == '.') {
            throw stray(start);
        }
        String literal = text.substring(start, pos);
        if (integral) {
            try {
                return Long.parseLong(literal);
            } catch (NumberFormatException e) {
                return new BigInteger(literal).doubleValue();
            }
        }
        double d = Double.parseDouble(literal);
        if (Double.isInfinite(d)) {
            throw new JsonException("number out of range '" + literal + "'");
        }
        return d;
    }

    private boolean digits() {
        int start = pos;
        while (isDigit(peek())) {
            pos++;
        }
        return pos > start;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private JsonException stray(int start) {
        int end = pos;
        while (end < text.length() && !isBoundary(text.charAt(end))) {
            end++;
        }
        return new JsonException("stray '" + text.substring(start, end) + "'");
    }

    private static boolean isBoundary(char c) {
        return c == ',' || c == ']' || c == '}' || c == ':' || Character.isWhitespace(c);
    }

    private Object keyword() throws JsonException {
        int start = pos;
        while (pos < text.length() && Character.isLetterOrDigit(text.charAt(pos))) {
            pos++;
        }
        String word = text.substring(start, pos);
        switch (word) {
            case "true":
                return Boolean.TRUE;
            case "false":
                return Boolean.FALSE;
            case "null":
                return null;
            default:
                throw new JsonException("invalid keyword '" + word + "'");
        }
    }

    private int peek() {
        return pos < text.length() ? text.charAt(pos) : -1;
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private String rest() {
        return text.substring(pos, Math.min(text.length(), pos + 20));
    }
}
