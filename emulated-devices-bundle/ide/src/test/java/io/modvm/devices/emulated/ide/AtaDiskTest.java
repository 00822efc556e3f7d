package io.modvm.devices.emulated.ide;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** An ATA disk driven by PIO, as SeaBIOS and ata_piix before DMA drive it. */
class AtaDiskTest {
    private final IdeRig rig = IdeRig.standard();

    AtaDiskTest() throws Exception {
    }

    private static String text(byte[] identify, int word, int words) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < words; i++) {
            s.append((char) identify[2 * (word + i) + 1]).append((char) identify[2 * (word + i)]);
        }
        return s.toString().trim();
    }

    private static int word(byte[] b, int w) {
        return (b[2 * w] & 0xFF) | (b[2 * w + 1] & 0xFF) << 8;
    }

    @Test
    void afterPowerOnTheDiskShowsTheAtaSignatureAndIsReady() {
        rig.select(0, 0);
        assertEquals(1, rig.reg(0, 2));
        assertEquals(1, rig.reg(0, 3));
        assertEquals(0, rig.reg(0, 4));
        assertEquals(0, rig.reg(0, 5));
        assertEquals(Ata.DRDY | Ata.DSC, rig.status(0));
        assertEquals(Ata.DIAGNOSTIC_PASSED, rig.reg(0, 1));
    }

    @Test
    void identifyNamesAQemuHarddiskOfTheImagesSizeAndInterrupts() {
        rig.select(0, 0);
        rig.reg(0, 7, Ata.IDENTIFY);
        assertTrue(rig.irq(0), "IRQ 14");
        assertEquals(Ata.DRDY | Ata.DSC | Ata.DRQ, rig.altStatus(0));
        assertTrue(rig.irq(0), "the alternate status does not acknowledge");
        assertEquals(Ata.DRDY | Ata.DSC | Ata.DRQ, rig.status(0));
        assertFalse(rig.irq(0), "the status register does");
        byte[] id = rig.pioRead(0, 512);
        assertEquals("QEMU HARDDISK", text(id, 27, 20));
        assertEquals("QM00001", text(id, 10, 10));
        assertEquals("2.5+", text(id, 23, 4));
        assertEquals(IdeRig.DISK_SECTORS, word(id, 60) | word(id, 61) << 16, "LBA28 sectors");
        assertEquals(IdeRig.DISK_SECTORS, word(id, 100), "LBA48 sectors");
        assertTrue((word(id, 83) & 1 << 10) != 0, "LBA48 supported");
        assertEquals(Ata.DRDY | Ata.DSC, rig.status(0), "all read: the command is over");
    }

    @Test
    void readSectorsDeliversEachSectorWithAnInterrupt() {
        rig.select(0, 0);
        rig.lba28(0, Ata.READ_SECTORS, 100, 2);
        assertTrue(rig.irq(0));
        rig.status(0);
        assertArrayEquals(rig.imageBytes("d0", 100 * 512, 512), rig.pioRead(0, 512));
        assertTrue(rig.irq(0), "the second sector is ready");
        assertEquals(Ata.DRDY | Ata.DSC | Ata.DRQ, rig.status(0));
        assertArrayEquals(rig.imageBytes("d0", 101 * 512, 512), rig.pioRead(0, 512));
        assertFalse(rig.irq(0), "no interrupt after the last sector of a read");
        assertEquals(Ata.DRDY | Ata.DSC, rig.status(0));
        assertEquals(101, rig.reg(0, 3), "the task file points at the last sector");
    }

    @Test
    void writeSectorsExtStoresTheDataAndInterruptsAfterEachSector() {
        byte[] data = new byte[3 * 512];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i ^ 0x5A);
        }
        rig.select(0, 0);
        rig.lba48(0, Ata.WRITE_SECTORS_EXT, 2000, 3);
        assertFalse(rig.irq(0), "the first block is asked for by DRQ alone");
        assertEquals(Ata.DRDY | Ata.DSC | Ata.DRQ, rig.status(0));
        for (int s = 0; s < 3; s++) {
            rig.pioWrite(0, java.util.Arrays.copyOfRange(data, s * 512, s * 512 + 512));
            assertTrue(rig.irq(0));
            rig.status(0);
        }
        assertEquals(Ata.DRDY | Ata.DSC, rig.status(0));
        assertArrayEquals(data, rig.imageBytes("d0", 2000 * 512, 3 * 512));
    }

    @Test
    void readMultipleMovesBlocksOfTheSizeSetMultipleSet() {
        rig.select(0, 0);
        rig.reg(0, 2, 4);
        rig.reg(0, 7, Ata.SET_MULTIPLE);
        assertEquals(Ata.DRDY | Ata.DSC, rig.status(0));
        rig.lba28(0, Ata.READ_MULTIPLE, 8, 8);
        assertTrue(rig.irq(0));
        rig.status(0);
        assertArrayEquals(rig.imageBytes("d0", 8 * 512, 4 * 512), rig.pioRead(0, 4 * 512));
        assertTrue(rig.irq(0), "one interrupt a block");
        rig.status(0);
        assertArrayEquals(rig.imageBytes("d0", 12 * 512, 4 * 512), rig.pioRead(0, 4 * 512));
        assertEquals(Ata.DRDY | Ata.DSC, rig.status(0));
    }

    @Test
    void aBadMultipleCountAndUnknownCommandsAbort() {
        rig.select(0, 0);
        rig.reg(0, 2, 3);
        rig.reg(0, 7, Ata.SET_MULTIPLE);
        assertEquals(Ata.DRDY | Ata.ERR, rig.status(0));
        assertEquals(Ata.ABRT, rig.reg(0, 1));
        rig.reg(0, 7, 0x77);
        assertEquals(Ata.DRDY | Ata.ERR, rig.status(0));
        rig.reg(0, 7, Ata.PACKET);
        assertEquals(Ata.DRDY | Ata.ERR, rig.status(0), "a disk takes no packets");
    }

    @Test
    void sectorsPastTheEndAbortAndTouchNothing() {
        byte[] before = rig.images.get("d0").bytes.clone();
        rig.select(0, 0);
        rig.lba28(0, Ata.READ_SECTORS, IdeRig.DISK_SECTORS - 1, 2);
        assertEquals(Ata.DRDY | Ata.ERR, rig.status(0));
        assertEquals(Ata.ABRT, rig.reg(0, 1));
        rig.lba48(0, Ata.WRITE_SECTORS_EXT, 0xFFFF_FFFF_FFFFL, 1);
        assertEquals(Ata.DRDY | Ata.ERR, rig.status(0));
        rig.pioWrite(0, new byte[512]);
        assertArrayEquals(before, rig.images.get("d0").bytes);
        assertEquals(0, rig.images.get("d0").strayAccesses);
    }

    @Test
    void chsAddressingReachesTheSameSectorAsLba() {
        rig.reg(0, 6, 0x00 | 1);
        rig.reg(0, 2, 1);
        rig.reg(0, 3, 5);
        rig.reg(0, 4, 0);
        rig.reg(0, 5, 0);
        rig.reg(0, 7, Ata.READ_SECTORS);
        rig.status(0);
        assertArrayEquals(rig.imageBytes("d0", (63 + 4) * 512L, 512), rig.pioRead(0, 512), "head 1 sector 5");
    }

    @Test
    void nIenMasksTheInterruptAndSoftResetRestoresTheSignature() {
        rig.first.outb(PiixIde.CONTROL_PORTS[0], Ata.NIEN);
        rig.select(0, 0);
        rig.reg(0, 7, Ata.IDENTIFY);
        assertFalse(rig.irq(0));
        rig.first.outb(PiixIde.CONTROL_PORTS[0], Ata.SRST | Ata.NIEN);
        assertEquals(Ata.BSY | Ata.DSC, rig.altStatus(0));
        rig.first.outb(PiixIde.CONTROL_PORTS[0], 0);
        assertEquals(Ata.DRDY | Ata.DSC, rig.status(0));
        assertEquals(1, rig.reg(0, 2));
        assertEquals(0xFF, rig.first.in(rig.base(0), 2) & 0xFF, "the data port has nothing after a reset");
    }

    @Test
    void hobReadsGiveTheHighBytesOfAnLba48Address() {
        rig.select(0, 0);
        rig.lba48(0, Ata.READ_NATIVE_MAX_EXT, 0, 0);
        rig.status(0);
        assertEquals((IdeRig.DISK_SECTORS - 1) & 0xFF, rig.reg(0, 3));
        assertEquals((IdeRig.DISK_SECTORS - 1) >>> 8, rig.reg(0, 4));
        rig.first.outb(PiixIde.CONTROL_PORTS[0], Ata.HOB);
        assertEquals(0, rig.reg(0, 3), "bits 24-31");
    }

    @Test
    void flushAndPowerCommandsComplete() {
        rig.select(0, 0);
        rig.reg(0, 7, Ata.FLUSH_CACHE_EXT);
        assertEquals(Ata.DRDY | Ata.DSC, rig.status(0));
        assertEquals(1, rig.images.get("d0").flushes);
        rig.reg(0, 7, Ata.CHECK_POWER_MODE);
        assertEquals(0xFF, rig.reg(0, 2));
        rig.reg(0, 1, Ata.FEATURE_TRANSFER_MODE);
        rig.reg(0, 2, 0x22);
        rig.reg(0, 7, Ata.SET_FEATURES);
        assertEquals(Ata.DRDY | Ata.DSC, rig.status(0));
        rig.reg(0, 7, Ata.IDENTIFY);
        byte[] id = rig.pioRead(0, 512);
        assertEquals(0x0407, word(id, 63), "multiword DMA 2 selected");
    }

    @Test
    void anAbsentSlaveReadsZeroAndTakesNoCommands() {
        rig.select(0, 1);
        assertEquals(0, rig.status(0));
        assertEquals(0, rig.reg(0, 1));
        rig.reg(0, 7, Ata.IDENTIFY);
        assertEquals(0, rig.status(0));
        assertFalse(rig.irq(0));
        rig.select(0, 0);
        assertEquals(Ata.DRDY | Ata.DSC, rig.status(0), "the master was not disturbed");
    }

    @Test
    void aSlaveWithoutAMasterAnswersAndTheAbsentMasterReadsZero() throws Exception {
        IdeRig alone = new IdeRig();
        alone.disk("s", java.util.Map.of("bus", "ide.0", "unit", "1"));
        alone.select(0, 0);
        assertEquals(0, alone.status(0), "no master");
        assertEquals(Ata.LBA | Ata.ALWAYS_ON, alone.reg(0, 6), "the task file both units hold");
        alone.select(0, 1);
        assertEquals(Ata.DRDY | Ata.DSC, alone.status(0));
        alone.reg(0, 7, Ata.IDENTIFY);
        assertEquals(Ata.DRDY | Ata.DSC | Ata.DRQ, alone.status(0));
    }
}
