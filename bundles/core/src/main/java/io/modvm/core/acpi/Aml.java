package io.modvm.core.acpi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * An encoder for the small part of AML that modvm's DSDT uses: names, scopes, devices, integers, strings and
 * packages. Each method returns the encoded term. The AML stays simple on purpose: ACPICA interprets it
 * instruction by instruction, and on a software KVM each instruction is emulated.
 */
public final class Aml {
    private Aml() {
    }

    static final int ZERO_OP = 0x00;
    static final int ONE_OP = 0x01;
    static final int NAME_OP = 0x08;
    static final int BYTE_PREFIX = 0x0A;
    static final int WORD_PREFIX = 0x0B;
    static final int DWORD_PREFIX = 0x0C;
    static final int STRING_PREFIX = 0x0D;
    static final int QWORD_PREFIX = 0x0E;
    static final int SCOPE_OP = 0x10;
    static final int BUFFER_OP = 0x11;
    static final int PACKAGE_OP = 0x12;
    static final int EXT_OP_PREFIX = 0x5B;
    static final int DEVICE_OP = 0x82;
    static final int ROOT_CHAR = '\\';
    static final int ONES_OP = 0xFF;

    /** A name path such as {@code \_SB_.PCI0} or {@code _S5_}; segments shorter than four are padded with '_'. */
    public static byte[] name(String path) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String p = path;
        if (p.startsWith("\\")) {
            out.write(ROOT_CHAR);
            p = p.substring(1);
        }
        String[] segments = p.isEmpty() ? new String[0] : p.split("\\.");
        if (segments.length == 2) {
            out.write(0x2E); // DualNamePrefix
        } else if (segments.length > 2) {
            out.write(0x2F); // MultiNamePrefix
            out.write(segments.length);
        } else if (segments.length == 0) {
            out.write(0x00); // NullName
        }
        for (String s : segments) {
            if (s.isEmpty() || s.length() > 4 || !s.matches("[A-Z_][A-Z0-9_]*")) {
                throw new IllegalArgumentException("bad AML name segment '" + s + "'");
            }
            out.writeBytes(String.format("%-4s", s).replace(' ', '_').getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    /** The smallest encoding of an integer constant. */
    public static byte[] integer(long v) {
        if (v == 0) {
            return new byte[] {ZERO_OP};
        }
        if (v == 1) {
            return new byte[] {ONE_OP};
        }
        if (v > 0 && v <= 0xFF) {
            return new byte[] {BYTE_PREFIX, (byte) v};
        }
        if (v > 0 && v <= 0xFFFF) {
            return new byte[] {WORD_PREFIX, (byte) v, (byte) (v >> 8)};
        }
        if (v > 0 && v <= 0xFFFF_FFFFL) {
            return new byte[] {DWORD_PREFIX, (byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
        }
        byte[] q = new byte[9];
        q[0] = QWORD_PREFIX;
        for (int i = 0; i < 8; i++) {
            q[1 + i] = (byte) (v >>> (8 * i));
        }
        return q;
    }

    public static byte[] string(String s) {
        byte[] text = s.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[text.length + 2];
        out[0] = STRING_PREFIX;
        System.arraycopy(text, 0, out, 1, text.length);
        return out;
    }

    /** An EISA id such as {@code PNP0A03} compressed into the 32-bit form _HID uses. */
    public static byte[] eisaId(String id) {
        if (!id.matches("[A-Z]{3}[0-9A-F]{4}")) {
            throw new IllegalArgumentException("bad EISA id " + id);
        }
        int vendor = ((id.charAt(0) - 0x40) << 10) | ((id.charAt(1) - 0x40) << 5) | (id.charAt(2) - 0x40);
        int product = Integer.parseInt(id.substring(3), 16);
        long value = (vendor >> 8 & 0xFF) | (vendor & 0xFF) << 8 | (long) (product >> 8 & 0xFF) << 16
                | (long) (product & 0xFF) << 24;
        return new byte[] {DWORD_PREFIX, (byte) value, (byte) (value >> 8), (byte) (value >> 16),
            (byte) (value >> 24)};
    }

    /** {@code Name(path, value)}. */
    public static byte[] nameOf(String path, byte[] value) {
        return concat(new byte[] {NAME_OP}, name(path), value);
    }

    /** {@code Buffer() { bytes }}. */
    public static byte[] buffer(byte[] bytes) {
        byte[] body = concat(integer(bytes.length), bytes);
        return concat(new byte[] {BUFFER_OP}, pkgLength(body.length), body);
    }

    /** {@code Package() { elements }}. */
    public static byte[] pkg(byte[]... elements) {
        byte[] body = concat(new byte[] {(byte) elements.length}, concat(elements));
        return concat(new byte[] {PACKAGE_OP}, pkgLength(body.length), body);
    }

    /** {@code Scope(path) { terms }}. */
    public static byte[] scope(String path, byte[]... terms) {
        byte[] body = concat(name(path), concat(terms));
        return concat(new byte[] {SCOPE_OP}, pkgLength(body.length), body);
    }

    /** {@code Device(name) { terms }}. */
    public static byte[] device(String name, byte[]... terms) {
        byte[] body = concat(name(name), concat(terms));
        return concat(new byte[] {EXT_OP_PREFIX, (byte) DEVICE_OP}, pkgLength(body.length), body);
    }

    /**
     * The PkgLength encoding for a body of {@code bodyLength} bytes: the value counts the PkgLength bytes
     * themselves, in one byte up to 63 and in two to four bytes beyond.
     */
    static byte[] pkgLength(int bodyLength) {
        for (int extra = 0; extra <= 3; extra++) {
            int total = bodyLength + 1 + extra;
            if (extra == 0 && total <= 0x3F) {
                return new byte[] {(byte) total};
            }
            if (extra > 0 && total < 1 << (4 + 8 * extra)) {
                byte[] out = new byte[1 + extra];
                out[0] = (byte) (extra << 6 | (total & 0x0F));
                for (int i = 1; i <= extra; i++) {
                    out[i] = (byte) (total >>> (4 + 8 * (i - 1)));
                }
                return out;
            }
        }
        throw new IllegalArgumentException("AML package too large: " + bodyLength);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
