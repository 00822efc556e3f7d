package io.modvm.core.acpi;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One ACPI system description table: the 36-byte header, then a body appended field by field. {@link #build()}
 * fills in the length and the checksum (all bytes summing to zero).
 */
public final class AcpiTable {
    static final int HEADER_SIZE = 36;
    static final String OEM_ID = "MODVM ";
    static final String CREATOR_ID = "MDVM";

    private final String signature;
    private final int revision;
    private final String oemTableId;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    public AcpiTable(String signature, int revision, String oemTableId) {
        if (signature.length() != 4 || oemTableId.length() > 8) {
            throw new IllegalArgumentException("bad ACPI signature or table id");
        }
        this.signature = signature;
        this.revision = revision;
        this.oemTableId = oemTableId;
    }

    public AcpiTable u8(int v) {
        body.write(v);
        return this;
    }

    public AcpiTable u16(int v) {
        return u8(v).u8(v >>> 8);
    }

    public AcpiTable u32(long v) {
        return u16((int) v).u16((int) (v >>> 16));
    }

    public AcpiTable u64(long v) {
        return u32(v).u32(v >>> 32);
    }

    public AcpiTable bytes(byte[] b) {
        body.writeBytes(b);
        return this;
    }

    /** A Generic Address Structure in system I/O space; an all-zero one when {@code port} is 0. */
    public AcpiTable ioAddress(int port, int bitWidth, int accessSize) {
        if (port == 0) {
            return u32(0).u64(0);
        }
        return u8(1).u8(bitWidth).u8(0).u8(accessSize).u64(port);
    }

    public int size() {
        return HEADER_SIZE + body.size();
    }

    public byte[] build() {
        byte[] table = new byte[size()];
        ByteBuffer b = ByteBuffer.wrap(table).order(ByteOrder.LITTLE_ENDIAN);
        b.put(signature.getBytes(StandardCharsets.US_ASCII));
        b.putInt(table.length);
        b.put((byte) revision);
        b.put((byte) 0);
        b.put(OEM_ID.getBytes(StandardCharsets.US_ASCII));
        b.put(String.format("%-8s", oemTableId).getBytes(StandardCharsets.US_ASCII));
        b.putInt(1);
        b.put(CREATOR_ID.getBytes(StandardCharsets.US_ASCII));
        b.putInt(1);
        b.put(body.toByteArray());
        table[9] = checksum(table, 0, table.length);
        return table;
    }

    /** The byte that makes {@code data[from, from + length)} sum to zero once it is stored in that range. */
    static byte checksum(byte[] data, int from, int length) {
        int sum = 0;
        for (int i = from; i < from + length; i++) {
            sum += data[i];
        }
        return (byte) -sum;
    }
}
