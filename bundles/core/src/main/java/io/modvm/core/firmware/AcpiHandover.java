package io.modvm.core.firmware;

import io.modvm.api.memory.GuestMemory;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ACPI tables the machine wrote for a kernel, handed to the firmware as QEMU hands its own
 * (hw/acpi/bios-linker-loader.c): the tables in fw_cfg file {@link #TABLES}, the RSDP in {@link #RSDP}, and
 * {@link #LOADER}'s commands, which tell the firmware where to put both (the RSDP in the F segment, where an OS
 * looks for it), which pointers to relocate and which checksums to fix. The tables are read back from guest memory,
 * where {@code io.modvm.core.acpi.FirmwareTables} put them, following the pointers a standard ACPI layout has:
 * RSDP to XSDT, XSDT to its tables, FADT to FACS and DSDT.
 */
final class AcpiHandover {
    static final String TABLES = "etc/acpi/tables";
    static final String RSDP = "etc/acpi/rsdp";
    static final String LOADER = "etc/table-loader";

    static final int CMD_ALLOCATE = 1;
    static final int CMD_ADD_POINTER = 2;
    static final int CMD_ADD_CHECKSUM = 3;
    static final int ZONE_HIGH = 1;
    static final int ZONE_FSEG = 2;
    static final int ENTRY_SIZE = 128;
    private static final int FILE_NAME = 56;
    private static final int HEADER = 36;
    private static final int RSDP_SIZE = 36;
    private static final int XSDT_ENTRY = 8;
    private static final int FADT_FACS = 36;
    private static final int FADT_DSDT = 40;
    private static final int FADT_X_DSDT = 140;
    private static final int TABLE_ALIGN = 64;

    private AcpiHandover() {
    }

    /** The three fw_cfg files, by name, for the RSDP at {@code rsdp} in {@code memory}. */
    static Map<String, byte[]> read(GuestMemory memory, long rsdp) {
        byte[] r = bytes(memory, rsdp, RSDP_SIZE);
        if (!"RSD PTR ".equals(new String(r, 0, 8, StandardCharsets.US_ASCII))) {
            throw new IllegalStateException("no RSDP at 0x" + Long.toHexString(rsdp));
        }
        ByteBuffer rb = le(r);
        long xsdt = rb.getLong(24);
        Blob blob = new Blob();
        List<long[]> checksums = new ArrayList<>();
        // Tables the XSDT lists, and those the FADT points to: each copied once, its pointers made blob offsets.
        byte[] x = table(memory, xsdt);
        int count = (x.length - HEADER) / XSDT_ENTRY;
        Map<Long, Integer> placed = new LinkedHashMap<>();
        List<Integer> xsdtPointers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long address = le(x).getLong(HEADER + i * XSDT_ENTRY);
            byte[] t = table(memory, address);
            if ("FACP".equals(signature(t))) {
                ByteBuffer f = le(t);
                long facs = f.getInt(FADT_FACS) & 0xFFFFFFFFL;
                long dsdt = f.getInt(FADT_DSDT) & 0xFFFFFFFFL;
                int dsdtAt = placeOnce(blob, placed, memory, dsdt, checksums, true);
                f.putInt(FADT_DSDT, dsdtAt);
                if (t.length >= FADT_X_DSDT + 8 && f.getLong(FADT_X_DSDT) != 0) {
                    f.putLong(FADT_X_DSDT, dsdtAt);
                }
                int at = blob.add(t, checksums, true);
                blob.pointer(at + FADT_DSDT, 4);
                if (t.length >= FADT_X_DSDT + 8 && f.getLong(FADT_X_DSDT) != 0) {
                    blob.pointer(at + FADT_X_DSDT, 8);
                }
                if (facs != 0) {
                    // The FACS has no checksum.
                    int facsAt = placeOnce(blob, placed, memory, facs, checksums, false);
                    blob.patch(at + FADT_FACS, facsAt, 4);
                    blob.pointer(at + FADT_FACS, 4);
                }
                placed.put(address, at);
            } else {
                placed.put(address, blob.add(t, checksums, true));
            }
            xsdtPointers.add(placed.get(address));
        }
        ByteBuffer xb = le(x);
        for (int i = 0; i < count; i++) {
            xb.putLong(HEADER + i * XSDT_ENTRY, xsdtPointers.get(i));
        }
        int xsdtAt = blob.add(x, checksums, true);
        for (int i = 0; i < count; i++) {
            blob.pointer(xsdtAt + HEADER + i * XSDT_ENTRY, XSDT_ENTRY);
        }
        rb.putLong(24, xsdtAt);
        rb.putInt(16, 0); // no RSDT: the XSDT is the table list
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(TABLES, blob.bytes());
        files.put(RSDP, r);
        files.put(LOADER, loader(blob, checksums));
        return files;
    }

    private static int placeOnce(Blob blob, Map<Long, Integer> placed, GuestMemory memory, long address,
            List<long[]> checksums, boolean checksum) {
        Integer at = placed.get(address);
        if (at == null) {
            at = blob.add(table(memory, address), checksums, checksum);
            placed.put(address, at);
        }
        return at;
    }

    private static byte[] loader(Blob blob, List<long[]> checksums) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(allocate(RSDP, 16, ZONE_FSEG));
        out.writeBytes(allocate(TABLES, TABLE_ALIGN, ZONE_HIGH));
        for (int[] p : blob.pointers) {
            out.writeBytes(pointer(TABLES, TABLES, p[0], p[1]));
        }
        out.writeBytes(pointer(RSDP, TABLES, 24, 8));
        for (long[] c : checksums) {
            out.writeBytes(checksum(TABLES, (int) c[0] + 9, (int) c[0], (int) c[1]));
        }
        out.writeBytes(checksum(RSDP, 8, 0, 20));
        out.writeBytes(checksum(RSDP, 32, 0, RSDP_SIZE));
        return out.toByteArray();
    }

    static byte[] allocate(String file, int align, int zone) {
        ByteBuffer b = entry(CMD_ALLOCATE);
        name(b, file);
        b.putInt(align).put((byte) zone);
        return b.array();
    }

    static byte[] pointer(String dest, String src, int offset, int size) {
        ByteBuffer b = entry(CMD_ADD_POINTER);
        name(b, dest);
        name(b, src);
        b.putInt(offset).put((byte) size);
        return b.array();
    }

    static byte[] checksum(String file, int offset, int start, int length) {
        ByteBuffer b = entry(CMD_ADD_CHECKSUM);
        name(b, file);
        b.putInt(offset).putInt(start).putInt(length);
        return b.array();
    }

    private static ByteBuffer entry(int command) {
        return ByteBuffer.allocate(ENTRY_SIZE).order(ByteOrder.LITTLE_ENDIAN).putInt(command);
    }

    private static void name(ByteBuffer b, String file) {
        byte[] n = file.getBytes(StandardCharsets.US_ASCII);
        b.put(n).put(new byte[FILE_NAME - n.length]);
    }

    private static byte[] table(GuestMemory memory, long address) {
        int length = le(bytes(memory, address, 8)).getInt(4);
        if (length < 8 || length > 1 << 20) {
            throw new IllegalStateException("ACPI table at 0x" + Long.toHexString(address) + " has length " + length);
        }
        return bytes(memory, address, length);
    }

    private static String signature(byte[] table) {
        return new String(table, 0, 4, StandardCharsets.US_ASCII);
    }

    private static byte[] bytes(GuestMemory memory, long address, int length) {
        byte[] b = new byte[length];
        memory.read(address, b, 0, length);
        return b;
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The tables blob being built, and the pointer fields in it (offset, size) the firmware must relocate. */
    private static final class Blob {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final List<int[]> pointers = new ArrayList<>();

        /** Appends {@code table} aligned to 16 bytes; returns its offset. */
        int add(byte[] table, List<long[]> checksums, boolean checksum) {
            while (out.size() % 16 != 0) {
                out.write(0);
            }
            int at = out.size();
            out.writeBytes(table);
            if (checksum) {
                checksums.add(new long[] {at, table.length});
            }
            return at;
        }

        void pointer(int offset, int size) {
            pointers.add(new int[] {offset, size});
        }

        /** Writes {@code value} at {@code offset} of what was added already. */
        void patch(int offset, int value, int size) {
            byte[] b = out.toByteArray();
            ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            if (size == 4) {
                bb.putInt(offset, value);
            } else {
                bb.putLong(offset, value);
            }
            out.reset();
            out.writeBytes(b);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
