package io.modvm.core.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.boot.BootDisk;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FirmwareBootableTest {
    private static BootDisk disk(byte[] bytes) {
        return new BootDisk() {
            @Override
            public String name() {
                return "d.img";
            }

            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public void read(ByteBuffer destination, long offset) {
                destination.put(bytes, (int) offset, destination.remaining());
            }
        };
    }

    @Test
    void aBootSectorWithCodeIsBootableAPartitionTableAloneIsNot() {
        byte[] image = new byte[1 << 16];
        assertFalse(FirmwareBootable.test(disk(image)), "blank");
        image[510] = 0x55;
        image[511] = (byte) 0xaa;
        image[446 + 4] = (byte) 0x83;
        assertFalse(FirmwareBootable.test(disk(image)), "a partition table sfdisk wrote: no boot code");
        image[0] = (byte) 0xeb;
        assertTrue(FirmwareBootable.test(disk(image)), "boot code and the signature");
    }

    @Test
    void anElToritoCdIsBootable() {
        byte[] image = new byte[18 * 2048];
        byte[] record = "\0CD001\1EL TORITO SPECIFICATION".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(record, 0, image, 17 * 2048, record.length);
        assertTrue(FirmwareBootable.test(disk(image)));
    }
}
