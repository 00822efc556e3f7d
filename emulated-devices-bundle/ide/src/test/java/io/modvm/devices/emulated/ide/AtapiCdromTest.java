package io.modvm.devices.emulated.ide;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The ATAPI CD-ROM on the secondary master, driven through PACKET as SeaBIOS's El Torito code and Linux's sr do. */
class AtapiCdromTest {
    private final IdeRig rig = IdeRig.standard();

    AtapiCdromTest() throws Exception {
        rig.select(1, 0);
    }

    /** Reads a PIO reply of one chunk: its size from the byte count registers, then the data. */
    private byte[] chunk() {
        assertEquals(Ata.DRDY | Ata.DSC | Ata.DRQ, rig.status(1));
        assertEquals(Ata.REASON_IO, rig.reg(1, 2) & 3, "data to the host");
        int n = rig.reg(1, 4) | rig.reg(1, 5) << 8;
        return rig.pioRead(1, n);
    }

    private void assertDone() {
        assertTrue(rig.irq(1));
        assertEquals(Ata.DRDY | Ata.DSC, rig.status(1));
        assertEquals(Ata.REASON_IO | Ata.REASON_COD, rig.reg(1, 2) & 3);
    }

    @Test
    void theSignatureTellsAPacketDevice() {
        assertEquals(0x14, rig.reg(1, 4));
        assertEquals(0xEB, rig.reg(1, 5));
        rig.reg(1, 7, Ata.IDENTIFY);
        assertEquals(Ata.DRDY | Ata.ERR, rig.status(1), "IDENTIFY DEVICE is aborted");
        assertEquals(0xEB, rig.reg(1, 5), "with the signature shown");
    }

    @Test
    void identifyPacketDeviceDescribesACdromDrive() {
        rig.reg(1, 7, Ata.IDENTIFY_PACKET);
        byte[] id = rig.pioRead(1, 512);
        assertEquals(0x85C0, (id[0] & 0xFF) | (id[1] & 0xFF) << 8);
        assertEquals("QEMU DVD-ROM", new String(new byte[] {id[55], id[54], id[57], id[56], id[59], id[58], id[61],
            id[60], id[63], id[62], id[65], id[64]}, StandardCharsets.US_ASCII));
    }

    @Test
    void inquiryAndReadCapacityAnswerAsQemusDrive() {
        rig.packet(1, new byte[] {0x12, 0, 0, 0, 36}, 0xFFFE, false);
        byte[] inquiry = chunk();
        assertEquals(36, inquiry.length);
        assertEquals(5, inquiry[0], "a CD/DVD device");
        assertEquals("QEMU    QEMU DVD-ROM    2.5+", new String(inquiry, 8, 28, StandardCharsets.US_ASCII));
        assertDone();
        rig.packet(1, new byte[] {0x25}, 0xFFFE, false);
        byte[] capacity = chunk();
        assertArrayEquals(new byte[] {0, 0, 0, IdeRig.CD_SECTORS - 1, 0, 0, 8, 0}, capacity);
        assertDone();
        rig.packet(1, new byte[] {0x00}, 0, false);
        assertDone();
    }

    @Test
    void read10ComesInChunksOfTheByteCountLimit() {
        rig.packet(1, new byte[] {0x28, 0, 0, 0, 0, 17, 0, 0, 2}, 2048, false);
        assertTrue(rig.irq(1));
        assertArrayEquals(rig.imageBytes("cd0", 17 * 2048, 2048), chunk());
        assertTrue(rig.irq(1), "an interrupt for every chunk");
        assertArrayEquals(rig.imageBytes("cd0", 18 * 2048, 2048), chunk());
        assertDone();
    }

    @Test
    void aLargeReadRefillsTheBufferUntilItIsDone() {
        rig.packet(1, new byte[] {(byte) 0xA8, 0, 0, 0, 0, 0, 0, 0, 0, IdeRig.CD_SECTORS}, 0xFFFE, false);
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        while ((rig.altStatus(1) & Ata.DRQ) != 0) {
            all.writeBytes(chunk());
        }
        assertArrayEquals(rig.imageBytes("cd0", 0, IdeRig.CD_SECTORS * 2048), all.toByteArray());
        assertDone();
    }

    @Test
    void aReadPastTheEndIsCheckConditionAndRequestSenseSaysWhy() {
        rig.packet(1, new byte[] {0x28, 0, 0, 0, 0, IdeRig.CD_SECTORS - 1, 0, 0, 2}, 0xFFFE, false);
        assertTrue(rig.irq(1));
        assertEquals(Ata.DRDY | Ata.ERR, rig.status(1));
        assertEquals(PacketCommands.SENSE_ILLEGAL_REQUEST << 4 | Ata.ABRT, rig.reg(1, 1));
        rig.packet(1, new byte[] {0x03, 0, 0, 0, 18}, 0xFFFE, false);
        byte[] sense = chunk();
        assertEquals(0x70, sense[0]);
        assertEquals(PacketCommands.SENSE_ILLEGAL_REQUEST, sense[2]);
        assertEquals(PacketCommands.ASC_LBA_OUT_OF_RANGE, sense[12]);
        assertDone();
        rig.packet(1, new byte[] {(byte) 0xFF}, 0xFFFE, false);
        assertEquals(Ata.DRDY | Ata.ERR, rig.status(1), "an unknown command");
        assertEquals(0, rig.images.get("cd0").strayAccesses);
    }

    @Test
    void tocModeSenseConfigurationAndEventsAnswer() {
        rig.packet(1, new byte[] {0x43, 0, 0, 0, 0, 0, 0, 0, 20}, 0xFFFE, false);
        byte[] toc = chunk();
        assertEquals(20, toc.length);
        assertEquals(1, toc[2]);
        assertEquals((byte) 0xAA, toc[14], "the lead-out");
        assertEquals(IdeRig.CD_SECTORS, toc[19]);
        assertDone();
        rig.packet(1, new byte[] {0x5A, 0, 0x2A, 0, 0, 0, 0, 0, (byte) 128}, 0xFFFE, false);
        byte[] mode = chunk();
        assertEquals(0x2A, mode[8]);
        assertDone();
        rig.packet(1, new byte[] {0x46, 0, 0, 0, 0, 0, 0, 0, 8}, 0xFFFE, false);
        byte[] config = chunk();
        assertEquals(0x08, config[7], "a CD-ROM profile");
        assertDone();
        rig.packet(1, new byte[] {0x4A, 1, 0, 0, 0x10, 0, 0, 0, 8}, 0xFFFE, false);
        assertEquals(8, chunk().length);
        assertDone();
        rig.packet(1, new byte[] {0x1E, 0, 0, 0, 1}, 0xFFFE, false);
        assertDone();
        rig.packet(1, new byte[] {0x1B, 0, 0, 0, 1}, 0xFFFE, false);
        assertDone();
    }

    @Test
    void ataWritesToTheCdAreAborted() {
        rig.lba28(1, Ata.WRITE_SECTORS, 0, 1);
        assertEquals(Ata.DRDY | Ata.ERR, rig.status(1));
        assertEquals(0, rig.images.get("cd0").strayAccesses);
    }
}
