package io.modvm.core.firmware;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The items a fw_cfg device serves, as QEMU numbers them (docs/specs/fw_cfg.rst): fixed items by their selector,
 * and named files, which get selectors from {@link #FILE_FIRST} in name order and are listed in the file directory
 * ({@link #FILE_DIR}).
 */
public final class FwCfgItems {
    public static final int SIGNATURE = 0x00;
    public static final int ID = 0x01;
    public static final int UUID = 0x02;
    public static final int RAM_SIZE = 0x03;
    public static final int NOGRAPHIC = 0x04;
    public static final int NB_CPUS = 0x05;
    public static final int KERNEL_ADDR = 0x07;
    public static final int KERNEL_SIZE = 0x08;
    public static final int KERNEL_CMDLINE = 0x09;
    public static final int INITRD_ADDR = 0x0a;
    public static final int INITRD_SIZE = 0x0b;
    public static final int BOOT_DEVICE = 0x0c;
    public static final int BOOT_MENU = 0x0e;
    public static final int MAX_CPUS = 0x0f;
    public static final int KERNEL_ENTRY = 0x10;
    public static final int KERNEL_DATA = 0x11;
    public static final int INITRD_DATA = 0x12;
    public static final int CMDLINE_ADDR = 0x13;
    public static final int CMDLINE_SIZE = 0x14;
    public static final int CMDLINE_DATA = 0x15;
    public static final int SETUP_ADDR = 0x16;
    public static final int SETUP_SIZE = 0x17;
    public static final int SETUP_DATA = 0x18;
    public static final int FILE_DIR = 0x19;
    public static final int FILE_FIRST = 0x20;
    /** The x86 item of e820 reservations QEMU still serves (zero of them: etc/e820 says everything). */
    public static final int E820_TABLE = 0x8003;

    /** ID bits: the traditional interface, and the DMA interface. */
    static final int ID_TRADITIONAL = 1;
    static final int ID_DMA = 2;
    private static final int FILE_NAME_SIZE = 56;
    private static final int MAX_FILES = 0x4000 - FILE_FIRST;

    private final Map<Integer, byte[]> items = new HashMap<>();
    private final TreeMap<String, byte[]> files = new TreeMap<>();

    public FwCfgItems() {
        items.put(SIGNATURE, "QEMU".getBytes(StandardCharsets.US_ASCII));
        items.put(ID, le32(ID_TRADITIONAL | ID_DMA));
    }

    /** Sets a fixed item. */
    public FwCfgItems put(int selector, byte[] data) {
        if (selector >= FILE_FIRST && selector < FILE_FIRST + MAX_FILES) {
            throw new IllegalArgumentException("selector 0x" + Integer.toHexString(selector) + " is a file's");
        }
        items.put(selector, data.clone());
        return this;
    }

    /** Adds or replaces a named file. */
    public FwCfgItems file(String name, byte[] data) {
        if (name.getBytes(StandardCharsets.UTF_8).length >= FILE_NAME_SIZE) {
            throw new IllegalArgumentException("fw_cfg file name too long: " + name);
        }
        files.put(name, data.clone());
        return this;
    }

    /** Every item by selector, the files and their directory included. */
    Map<Integer, byte[]> build() {
        Map<Integer, byte[]> all = new HashMap<>(items);
        ByteBuffer dir = ByteBuffer.allocate(4 + files.size() * (8 + FILE_NAME_SIZE)).order(ByteOrder.BIG_ENDIAN);
        dir.putInt(files.size());
        int select = FILE_FIRST;
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            dir.putInt(f.getValue().length).putShort((short) select).putShort((short) 0);
            byte[] name = new byte[FILE_NAME_SIZE];
            byte[] given = f.getKey().getBytes(StandardCharsets.UTF_8);
            System.arraycopy(given, 0, name, 0, given.length);
            dir.put(name);
            all.put(select++, f.getValue());
        }
        all.put(FILE_DIR, dir.array());
        return all;
    }

    /** A little-endian 16-bit item. */
    public static byte[] le16(int value) {
        return ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) value).array();
    }

    /** A little-endian 32-bit item. */
    public static byte[] le32(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }

    /** A little-endian 64-bit item. */
    public static byte[] le64(long value) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
    }
}
