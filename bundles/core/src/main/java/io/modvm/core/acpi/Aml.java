package io.modvm.core.acpi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * An encoder for the small part of AML that modvm's DSDT uses: names, scopes, devices, integers, strings and
 * packages; and, for PCI hotplug, methods, {@code If}, {@code And}/{@code Or}/{@code ShiftLeft}/{@code LEqual},
 * {@code Store}, {@code Return}, {@code Notify}, method calls, the {@code ArgN}/{@code LocalN} objects, and
 * {@code OperationRegion}/{@code Field}. Each method returns the encoded term (ACPI 6.4, section 20.2). The AML
 * stays simple on purpose: ACPICA interprets it instruction by instruction, and on a software KVM each
 * instruction is emulated, so there are no loops.
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
    static final int METHOD_OP = 0x14;
    static final int LOCAL0_OP = 0x60;
    static final int ARG0_OP = 0x68;
    static final int STORE_OP = 0x70;
    static final int SHIFT_LEFT_OP = 0x79;
    static final int AND_OP = 0x7B;
    static final int OR_OP = 0x7D;
    static final int NOTIFY_OP = 0x86;
    static final int LEQUAL_OP = 0x93;
    static final int IF_OP = 0xA0;
    static final int RETURN_OP = 0xA4;
    static final int OP_REGION_OP = 0x80;
    static final int FIELD_OP = 0x81;
    static final int NULL_NAME = 0x00;

    /** {@code RegionSpace} of an {@code OperationRegion}. */
    public static final int SYSTEM_MEMORY = 0x00;
    public static final int SYSTEM_IO = 0x01;

    /** {@code AccessType} of a {@code Field} (the low four bits of its flags). */
    public static final int ANY_ACC = 0;
    public static final int BYTE_ACC = 1;
    public static final int WORD_ACC = 2;
    public static final int DWORD_ACC = 3;

    /** {@code UpdateRule} of a {@code Field} (bits 5-6 of its flags); {@code LockRule} is always NoLock here. */
    public static final int PRESERVE = 0;
    public static final int WRITE_AS_ONES = 1;
    public static final int WRITE_AS_ZEROS = 2;
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
     * {@code Method(name, argCount, NotSerialized | Serialized) { terms }}, sync level 0. Method flags: bits 0-2 the
     * argument count, bit 3 serialized.
     */
    public static byte[] method(String name, int argCount, boolean serialized, byte[]... terms) {
        if (argCount < 0 || argCount > 7) {
            throw new IllegalArgumentException("a method takes 0 to 7 arguments, not " + argCount);
        }
        byte[] body = concat(name(name), new byte[] {(byte) (argCount | (serialized ? 0x08 : 0))}, concat(terms));
        return concat(new byte[] {METHOD_OP}, pkgLength(body.length), body);
    }

    /** {@code If (predicate) { terms }}. */
    public static byte[] ifThen(byte[] predicate, byte[]... terms) {
        byte[] body = concat(predicate, concat(terms));
        return concat(new byte[] {(byte) IF_OP}, pkgLength(body.length), body);
    }

    /** {@code LEqual(a, b)}. */
    public static byte[] lEqual(byte[] a, byte[] b) {
        return concat(new byte[] {(byte) LEQUAL_OP}, a, b);
    }

    /** {@code And(a, b)} with no target: the result is only the operator's value. */
    public static byte[] and(byte[] a, byte[] b) {
        return concat(new byte[] {AND_OP}, a, b, new byte[] {NULL_NAME});
    }

    /** {@code Or(a, b)} with no target. */
    public static byte[] or(byte[] a, byte[] b) {
        return concat(new byte[] {OR_OP}, a, b, new byte[] {NULL_NAME});
    }

    /** {@code ShiftLeft(value, count)} with no target. */
    public static byte[] shiftLeft(byte[] value, byte[] count) {
        return concat(new byte[] {SHIFT_LEFT_OP}, value, count, new byte[] {NULL_NAME});
    }

    /** {@code Store(source, destination)}; the destination is a name ({@link #name}), an arg or a local. */
    public static byte[] store(byte[] source, byte[] destination) {
        return concat(new byte[] {STORE_OP}, source, destination);
    }

    /** {@code Return(value)}. */
    public static byte[] ret(byte[] value) {
        return concat(new byte[] {(byte) RETURN_OP}, value);
    }

    /** {@code Notify(object, value)}: {@code object} names a device, {@code value} is a term such as an integer. */
    public static byte[] notify(String object, byte[] value) {
        return concat(new byte[] {(byte) NOTIFY_OP}, name(object), value);
    }

    /**
     * A call of the method {@code path} with {@code args}. The encoding is the name followed by the arguments; the
     * interpreter counts them from the method's definition, so the method must exist when the caller runs.
     */
    public static byte[] call(String path, byte[]... args) {
        return concat(name(path), concat(args));
    }

    /** {@code ArgN}, N from 0 to 6. */
    public static byte[] arg(int n) {
        if (n < 0 || n > 6) {
            throw new IllegalArgumentException("Arg" + n + " does not exist");
        }
        return new byte[] {(byte) (ARG0_OP + n)};
    }

    /** {@code LocalN}, N from 0 to 7. */
    public static byte[] local(int n) {
        if (n < 0 || n > 7) {
            throw new IllegalArgumentException("Local" + n + " does not exist");
        }
        return new byte[] {(byte) (LOCAL0_OP + n)};
    }

    /** {@code OperationRegion(name, space, offset, length)} with constant offset and length. */
    public static byte[] operationRegion(String name, int space, long offset, long length) {
        return concat(new byte[] {EXT_OP_PREFIX, (byte) OP_REGION_OP}, name(name), new byte[] {(byte) space},
                integer(offset), integer(length));
    }

    /** One named unit of a {@link #field}: {@code name, bits}. */
    public record FieldUnit(String name, int bits) {
        public FieldUnit {
            if (bits <= 0) {
                throw new IllegalArgumentException("field unit " + name + " needs at least one bit");
            }
        }
    }

    /**
     * {@code Field(region, accessType, NoLock, updateRule) { units }}: the units are laid out one after the other
     * from offset 0 of the region.
     */
    public static byte[] field(String region, int accessType, int updateRule, FieldUnit... units) {
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        for (FieldUnit u : units) {
            byte[] seg = name(u.name());
            if (seg.length != 4) {
                throw new IllegalArgumentException("a field unit is named by one NameSeg, not " + u.name());
            }
            list.writeBytes(seg);
            list.writeBytes(encodedLength(u.bits()));
        }
        byte[] body = concat(name(region), new byte[] {(byte) (accessType | updateRule << 5)}, list.toByteArray());
        return concat(new byte[] {EXT_OP_PREFIX, (byte) FIELD_OP}, pkgLength(body.length), body);
    }

    /**
     * The PkgLength encoding for a body of {@code bodyLength} bytes: the value counts the PkgLength bytes
     * themselves, in one byte up to 63 and in two to four bytes beyond.
     */
    static byte[] pkgLength(int bodyLength) {
        for (int extra = 0; extra <= 3; extra++) {
            int total = bodyLength + 1 + extra;
            if (extra == 0 && total <= 0x3F || extra > 0 && total < 1 << (4 + 8 * extra)) {
                return encodedLength(total);
            }
        }
        throw new IllegalArgumentException("AML package too large: " + bodyLength);
    }

    /**
     * {@code value} in the PkgLength format: one byte up to 63, else a lead byte (count of following bytes in bits
     * 6-7, low nibble of the value) and the rest of the value in the following bytes. A field unit's width is
     * written this way as it is; a package's length also counts these bytes ({@link #pkgLength}).
     */
    static byte[] encodedLength(int value) {
        if (value >= 0 && value <= 0x3F) {
            return new byte[] {(byte) value};
        }
        for (int extra = 1; extra <= 3; extra++) {
            if (value > 0 && value < 1 << (4 + 8 * extra)) {
                byte[] out = new byte[1 + extra];
                out[0] = (byte) (extra << 6 | (value & 0x0F));
                for (int i = 1; i <= extra; i++) {
                    out[i] = (byte) (value >>> (4 + 8 * (i - 1)));
                }
                return out;
            }
        }
        throw new IllegalArgumentException("AML length too large: " + value);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
