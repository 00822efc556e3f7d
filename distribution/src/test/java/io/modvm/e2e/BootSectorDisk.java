package io.modvm.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A disk whose first sector is a PC boot sector of the project's own: 16-bit code that the firmware loads at
 * 0x7C00, which prints a line on COM1 (polling the line status register) and ends the guest through
 * isa-debug-exit at 0x501 with {@link #EXIT_CODE}. Written as bytes, so that no assembler is needed.
 */
final class BootSectorDisk {
    /** The guest's isa-debug-exit code: modvm exits with {@code Guests.status(EXIT_CODE)}. */
    static final int EXIT_CODE = 0x2A;
    private static final int MESSAGE_AT = 0x29;
    private static final int DISK_SIZE = 1 << 20;

    private BootSectorDisk() {
    }

    /** A 1 MiB raw image at {@code file} whose boot sector prints {@code line}. */
    static Path write(Path file, String line) throws IOException {
        byte[] disk = new byte[DISK_SIZE];
        int[] code = {
            0xFA,                   // cli
            0x31, 0xC0,             // xor ax, ax
            0x8E, 0xD8,             // mov ds, ax
            0xBE, 0x7C00 + MESSAGE_AT & 0xFF, 0x7C00 + MESSAGE_AT >> 8, // mov si, message
            0xAC,                   // next: lodsb
            0x84, 0xC0,             // test al, al
            0x74, 0x12,             // jz done
            0x88, 0xC3,             // mov bl, al
            0xBA, 0xFD, 0x03,       // mov dx, 0x3fd (line status)
            0xEC,                   // wait: in al, dx
            0xA8, 0x20,             // test al, 0x20 (transmitter empty)
            0x74, 0xFB,             // jz wait
            0xBA, 0xF8, 0x03,       // mov dx, 0x3f8
            0x88, 0xD8,             // mov al, bl
            0xEE,                   // out dx, al
            0xEB, 0xE9,             // jmp next
            0xBA, 0x01, 0x05,       // done: mov dx, 0x501 (isa-debug-exit)
            0xB8, EXIT_CODE, 0x00,  // mov ax, EXIT_CODE
            0xEF,                   // out dx, ax
            0xF4,                   // halt: hlt
            0xEB, 0xFD,             // jmp halt
        };
        if (code.length != MESSAGE_AT) {
            throw new IllegalStateException("the message must follow the code at 0x" + Integer.toHexString(MESSAGE_AT));
        }
        for (int i = 0; i < code.length; i++) {
            disk[i] = (byte) code[i];
        }
        byte[] message = (line + "\r\n").getBytes(StandardCharsets.US_ASCII);
        if (MESSAGE_AT + message.length + 1 > 510) {
            throw new IllegalArgumentException("the line does not fit in the boot sector: " + line);
        }
        System.arraycopy(message, 0, disk, MESSAGE_AT, message.length);
        disk[510] = 0x55;
        disk[511] = (byte) 0xAA;
        return Files.write(file, disk);
    }
}
