package io.modvm.api.state;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The byte form of {@link StateRecord}s, the same in snapshot files, migration streams and bundle hand-overs:
 * the magic {@code MVS1}, then the record. A record is its type (u16 length, UTF-8), version (u16), field count
 * (u16) and fields; a field is its name (u16 length, UTF-8), a tag byte and the value: {@code L} an i64, {@code Z}
 * a byte 0 or 1, {@code S} a string (u32 length, UTF-8), {@code B} bytes (u32 length), {@code R} a record,
 * {@code A} a list (u32 count) of records. Little-endian throughout.
 *
 * <p>Decoding trusts nothing: every length is checked against what is left, nesting is bounded, strings must be
 * valid UTF-8, and anything wrong is a {@link StateException} that says what and where.
 */
public final class StateCodec {
    private static final byte[] MAGIC = {'M', 'V', 'S', '1'};
    private static final int MAX_DEPTH = 32;

    private StateCodec() {
    }

    /** The bytes of {@code record}, magic first. */
    public static byte[] encode(StateRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(MAGIC);
        write(out, record);
        return out.toByteArray();
    }

    /**
     * Reads one record from {@code bytes}, which must hold exactly the magic and that record.
     *
     * @throws StateException if the bytes are not a well-formed record, saying what is wrong and where
     */
    public static StateRecord decode(byte[] bytes) throws StateException {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (byte m : MAGIC) {
            if (!in.hasRemaining() || in.get() != m) {
                throw new StateException("not modvm state: the stream does not start with MVS1");
            }
        }
        try {
            StateRecord r = read(in, 0);
            if (in.hasRemaining()) {
                throw new StateException(in.remaining() + " bytes after the end of the " + r.type() + " state");
            }
            return r;
        } catch (BufferUnderflowException e) {
            throw new StateException("state stream ends early, at byte " + in.position());
        }
    }

    private static void write(ByteArrayOutputStream out, StateRecord r) {
        string16(out, r.type());
        u16(out, r.version());
        u16(out, r.fields().size());
        for (Map.Entry<String, Object> f : r.fields().entrySet()) {
            string16(out, f.getKey());
            Object v = f.getValue();
            if (v instanceof Long l) {
                out.write('L');
                long x = l;
                for (int i = 0; i < 8; i++) {
                    out.write((int) (x >>> (8 * i)));
                }
            } else if (v instanceof Boolean z) {
                out.write('Z');
                out.write(z ? 1 : 0);
            } else if (v instanceof String s) {
                out.write('S');
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                u32(out, b.length);
                out.writeBytes(b);
            } else if (v instanceof byte[] b) {
                out.write('B');
                u32(out, b.length);
                out.writeBytes(b);
            } else if (v instanceof StateRecord nested) {
                out.write('R');
                write(out, nested);
            } else {
                List<?> list = (List<?>) v;
                out.write('A');
                u32(out, list.size());
                for (Object o : list) {
                    write(out, (StateRecord) o);
                }
            }
        }
    }

    private static StateRecord read(ByteBuffer in, int depth) throws StateException {
        if (depth > MAX_DEPTH) {
            throw new StateException("state records nested deeper than " + MAX_DEPTH);
        }
        String type = string(in, Short.toUnsignedInt(in.getShort()), "record type");
        if (type.isEmpty()) {
            throw new StateException("a state record without a type at byte " + in.position());
        }
        StateRecord.Builder b = StateRecord.builder(type, Short.toUnsignedInt(in.getShort()));
        int count = Short.toUnsignedInt(in.getShort());
        for (int i = 0; i < count; i++) {
            String name = string(in, Short.toUnsignedInt(in.getShort()), type + " field name");
            if (name.isEmpty()) {
                throw new StateException(type + ": a field without a name");
            }
            byte tag = in.get();
            try {
                switch (tag) {
                    case 'L' -> b.put(name, in.getLong());
                    case 'Z' -> b.put(name, flag(in, type, name));
                    case 'S' -> b.put(name, string(in, length(in, type, name), type + "." + name));
                    case 'B' -> {
                        byte[] v = new byte[length(in, type, name)];
                        in.get(v);
                        b.put(name, v);
                    }
                    case 'R' -> b.put(name, read(in, depth + 1));
                    case 'A' -> {
                        int n = length(in, type, name);
                        List<StateRecord> list = new ArrayList<>(Math.min(n, 1024));
                        for (int k = 0; k < n; k++) {
                            list.add(read(in, depth + 1));
                        }
                        b.put(name, list);
                    }
                    default -> throw new StateException(type + "." + name + ": unknown field tag 0x"
                            + Integer.toHexString(tag & 0xff));
                }
            } catch (IllegalArgumentException e) {
                throw new StateException(type + ": " + e.getMessage());
            }
        }
        return b.build();
    }

    private static boolean flag(ByteBuffer in, String type, String name) throws StateException {
        byte v = in.get();
        if (v != 0 && v != 1) {
            throw new StateException(type + "." + name + ": boolean byte " + v);
        }
        return v == 1;
    }

    /** A u32 length that the rest of the stream can hold (a record or list element takes at least 6 bytes). */
    private static int length(ByteBuffer in, String type, String name) throws StateException {
        long n = Integer.toUnsignedLong(in.getInt());
        if (n > in.remaining()) {
            throw new StateException(type + "." + name + ": length " + n + " but only " + in.remaining()
                    + " bytes are left");
        }
        return (int) n;
    }

    private static String string(ByteBuffer in, int length, String what) throws StateException {
        if (length > in.remaining()) {
            throw new StateException(what + ": length " + length + " but only " + in.remaining() + " bytes are left");
        }
        ByteBuffer slice = in.slice(in.position(), length);
        in.position(in.position() + length);
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new StateException(what + " is not valid UTF-8");
        }
    }

    private static void string16(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xFFFF) {
            throw new IllegalArgumentException("state name longer than 65535 bytes");
        }
        u16(out, b.length);
        out.writeBytes(b);
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write(v);
        out.write(v >>> 8);
    }

    private static void u32(ByteArrayOutputStream out, int v) {
        u16(out, v & 0xFFFF);
        u16(out, v >>> 16);
    }
}
