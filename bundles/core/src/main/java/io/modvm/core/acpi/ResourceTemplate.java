package io.modvm.core.acpi;

import java.io.ByteArrayOutputStream;

/**
 * An ACPI resource template (ACPI 6.4, section 6.4): the descriptors a {@code _CRS} buffer lists, ended by the end
 * tag. Only the descriptors the PCI root bridge needs are here.
 */
public final class ResourceTemplate {
    private static final int GENERAL_FIXED_RANGE = 0x0C; // MinFixed | MaxFixed, ResourceProducer
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** {@code WordBusNumber}: the bus numbers the bridge decodes. */
    public ResourceTemplate busNumbers(int min, int max) {
        return word(2, 0, min, max);
    }

    /** {@code WordIO}: an I/O port window the bridge forwards. */
    public ResourceTemplate ioWindow(int min, int max) {
        return word(1, 0x03, min, max);
    }

    /** {@code IO(Decode16, base, base, 1, length)}: ports the bridge itself uses. */
    public ResourceTemplate ioPorts(int base, int length) {
        out.write(0x47);
        out.write(1);
        u16(base);
        u16(base);
        out.write(1);
        out.write(length);
        return this;
    }

    /** {@code DWordMemory(ResourceProducer, PosDecode, MinFixed, MaxFixed, NonCacheable, ReadWrite)}. */
    public ResourceTemplate memory32(long min, long maxInclusive) {
        out.write(0x87);
        u16(23);
        out.write(0);
        out.write(GENERAL_FIXED_RANGE);
        out.write(0x01);
        u32(0);
        u32(min);
        u32(maxInclusive);
        u32(0);
        u32(maxInclusive - min + 1);
        return this;
    }

    private ResourceTemplate word(int type, int typeFlags, int min, int max) {
        out.write(0x88);
        u16(13);
        out.write(type);
        out.write(GENERAL_FIXED_RANGE);
        out.write(typeFlags);
        u16(0);
        u16(min);
        u16(max);
        u16(0);
        u16(max - min + 1);
        return this;
    }

    private void u16(int v) {
        out.write(v);
        out.write(v >>> 8);
    }

    private void u32(long v) {
        u16((int) v & 0xFFFF);
        u16((int) (v >>> 16) & 0xFFFF);
    }

    /** The template as an AML {@code Buffer}, with the end tag (checksum 0: "treat as valid"). */
    public byte[] toAml() {
        byte[] body = out.toByteArray();
        byte[] withEnd = new byte[body.length + 2];
        System.arraycopy(body, 0, withEnd, 0, body.length);
        withEnd[body.length] = 0x79;
        return Aml.buffer(withEnd);
    }
}
