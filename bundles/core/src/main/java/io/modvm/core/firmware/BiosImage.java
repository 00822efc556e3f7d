package io.modvm.core.firmware;

import io.modvm.core.boot.BootException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A PC BIOS image such as SeaBIOS's {@code bios-256k.bin}: a whole number of 64 KiB blocks, at most 16 MiB, mapped
 * so that it ends at 4 GiB, with the reset vector (the processor's first instruction, 16 bytes below its end) a
 * jump. What is checked is what tells a BIOS from any other file before the guest runs into it.
 */
public final class BiosImage {
    static final int BLOCK = 64 * 1024;
    static final int MAX_SIZE = 16 * 1024 * 1024;
    /** The part QEMU's pc also maps below 1 MiB (its isa-bios): the last 128 KiB, or all of a smaller image. */
    static final int LEGACY_WINDOW = 128 * 1024;
    private static final int RESET_VECTOR_FROM_END = 16;

    private final String name;
    private final byte[] bytes;

    private BiosImage(String name, byte[] bytes) {
        this.name = name;
        this.bytes = bytes;
    }

    /**
     * Reads and checks {@code file}.
     *
     * @throws BootException in one line naming the file, if it cannot be read or is not a BIOS image
     */
    public static BiosImage read(Path file) throws BootException {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new BootException("-bios " + file + ": cannot read it (" + e.getMessage() + ")");
        }
        if (size == 0 || size % BLOCK != 0 || size > MAX_SIZE) {
            throw new BootException("-bios " + file + ": not a BIOS image (" + size
                    + " bytes; a BIOS image is a multiple of 64 KiB, at most 16 MiB)");
        }
        try {
            return of(file.toString(), Files.readAllBytes(file));
        } catch (IOException e) {
            throw new BootException("-bios " + file + ": cannot read it (" + e.getMessage() + ")");
        }
    }

    /** Checks an image already in memory; {@code name} is what a message calls it. */
    static BiosImage of(String name, byte[] bytes) throws BootException {
        if (bytes.length == 0 || bytes.length % BLOCK != 0 || bytes.length > MAX_SIZE) {
            throw new BootException("-bios " + name + ": not a BIOS image (" + bytes.length
                    + " bytes; a BIOS image is a multiple of 64 KiB, at most 16 MiB)");
        }
        int op = bytes[bytes.length - RESET_VECTOR_FROM_END] & 0xFF;
        // A far jump (EA), near jump (E9) or short jump (EB): what every PC BIOS puts at its reset vector.
        if (op != 0xEA && op != 0xE9 && op != 0xEB) {
            throw new BootException(String.format("-bios %s: not a BIOS image (no jump at its reset vector, "
                    + "0x%x bytes from its end: found 0x%02x)", name, RESET_VECTOR_FROM_END, op));
        }
        return new BiosImage(name, bytes);
    }

    public String name() {
        return name;
    }

    /** The whole image; the caller must not change it. */
    byte[] bytes() {
        return bytes;
    }

    /** Where the image starts in guest-physical space: it ends at 4 GiB. */
    long topAddress() {
        return 0x1_0000_0000L - bytes.length;
    }

    /** The image's last {@link #LEGACY_WINDOW} bytes (or all of it), which also sit just below 1 MiB. */
    byte[] legacyWindow() {
        int n = Math.min(bytes.length, LEGACY_WINDOW);
        byte[] tail = new byte[n];
        System.arraycopy(bytes, bytes.length - n, tail, 0, n);
        return tail;
    }
}
