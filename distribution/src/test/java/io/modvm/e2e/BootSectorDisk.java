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

    /**
     * A 1 MiB raw image whose boot sector looks for the ACPI RSDP where an OS looks (paragraphs 0xE000-0xFFFF),
     * prints the 6-byte OEM ID of the first one on COM1, and exits as {@link #write}'s does.
     */
    static Path writeRsdpProbe(Path file) throws IOException {
        int[] code = {
            0xFA,                                     // cli
            0xB8, 0x00, 0xE0,                         // mov ax, 0xe000
            0x8E, 0xC0,                               // next: mov es, ax
            0x31, 0xFF,                               // xor di, di
            0x26, 0x66, 0x81, 0x3D, 'R', 'S', 'D', ' ', // cmp dword es:[di], "RSD "
            0x75, 0x0B,                               // jne skip
            0x26, 0x66, 0x81, 0x7D, 0x04, 'P', 'T', 'R', ' ', // cmp dword es:[di+4], "PTR "
            0x74, 0x08,                               // je found
            0x40,                                     // skip: inc ax
            0x83, 0xF8, 0x00,                         // cmp ax, 0
            0x75, 0xE1,                               // jne next
            0xEB, 0x1A,                               // jmp done
            0xB9, 0x06, 0x00,                         // found: mov cx, 6
            0xBF, 0x09, 0x00,                         // mov di, 9 (the OEM ID)
            0x26, 0x8A, 0x1D,                         // byte: mov bl, es:[di]
            0xBA, 0xFD, 0x03,                         // mov dx, 0x3fd
            0xEC,                                     // wait: in al, dx
            0xA8, 0x20,                               // test al, 0x20
            0x74, 0xFB,                               // jz wait
            0xBA, 0xF8, 0x03,                         // mov dx, 0x3f8
            0x88, 0xD8,                               // mov al, bl
            0xEE,                                     // out dx, al
            0x47,                                     // inc di
            0xE2, 0xEC,                               // loop byte
            0xBA, 0x01, 0x05,                         // done: mov dx, 0x501
            0xB8, EXIT_CODE, 0x00,                    // mov ax, EXIT_CODE
            0xEF,                                     // out dx, ax
            0xF4,                                     // halt: hlt
            0xEB, 0xFD,                               // jmp halt
        };
        return Files.write(file, disk(code));
    }

    private static byte[] disk(int[] code) {
        byte[] disk = new byte[DISK_SIZE];
        for (int i = 0; i < code.length; i++) {
            disk[i] = (byte) code[i];
        }
        disk[510] = 0x55;
        disk[511] = (byte) 0xAA;
        return disk;
    }

    /** A 1 MiB raw image at {@code file} whose boot sector prints {@code line}. */
    static Path write(Path file, String line) throws IOException {
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
        byte[] disk = disk(code);
        byte[] message = (line + "\r\n").getBytes(StandardCharsets.US_ASCII);
        if (MESSAGE_AT + message.length + 1 > 510) {
            throw new IllegalArgumentException("the line does not fit in the boot sector: " + line);
        }
        System.arraycopy(message, 0, disk, MESSAGE_AT, message.length);
        return Files.write(file, disk);
    }
}
