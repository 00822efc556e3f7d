package io.modvm.devices.emulated.ide;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.pci.PciBar;
import io.modvm.api.pci.PciFunctionSpec;
import org.junit.jupiter.api.Test;

/** Bus-master DMA through BAR 4 and the PRD table, as ata_piix drives it; and the PCI function itself. */
class BusMasterDmaTest {
    private final IdeRig rig = IdeRig.standard();

    BusMasterDmaTest() throws Exception {
    }

    @Test
    void theFunctionIsQemusPiix3IdeWithLegacyChannelsAndAnIoBar4() {
        PciFunctionSpec spec = rig.pci().spec();
        assertEquals(0x8086, spec.vendorId());
        assertEquals(0x7010, spec.deviceId());
        assertEquals(0x010180, spec.classCode());
        assertEquals(PciFunctionSpec.NO_INTERRUPT_PIN, spec.interruptPin());
        PciBar bar = spec.bars().get(0);
        assertEquals(4, bar.index());
        assertTrue(bar.io());
        assertEquals(16, bar.size());
        assertEquals(0x8000_8000, spec.deviceRegisters().read(0x40), "both channels' decode enabled");
        spec.deviceRegisters().write(0x40, 2, 0xA307);
        assertEquals(0x8000_A307, spec.deviceRegisters().read(0x40), "timings are kept as written");
        assertTrue(rig.first.portClaimed(0x1F0) && rig.first.portClaimed(0x3F6) && rig.first.portClaimed(0x170)
                && rig.first.portClaimed(0x376));
    }

    @Test
    void readDmaFillsThePrdRegionsAndRaisesTheInterrupt() {
        rig.select(0, 0);
        rig.prd(0, 0x10000, 1024, 0x20000, 3 * 512);
        rig.lba28(0, Ata.READ_DMA, 40, 5);
        assertEquals(Ata.DRDY | Ata.DSC | Ata.DRQ, rig.altStatus(0), "waiting for the engine");
        rig.startDma(0, true);
        assertTrue(rig.irq(0));
        assertEquals(IdeChannel.BM_INTERRUPT, rig.bmStatus(0) & 7, "interrupt, not active, no error");
        assertEquals(Ata.DRDY | Ata.DSC, rig.status(0));
        assertArrayEquals(rig.imageBytes("d0", 40 * 512, 1024), rig.memory.bytes(0x10000, 1024));
        assertArrayEquals(rig.imageBytes("d0", 42 * 512, 3 * 512), rig.memory.bytes(0x20000, 3 * 512));
        rig.pci().barWrite(4, 2, 1, IdeChannel.BM_INTERRUPT);
        assertEquals(0, rig.bmStatus(0) & 7, "the driver clears it by writing one");
    }

    @Test
    void writeDmaExtTakesTheDataFromRamWhenTheEngineStartsFirst() {
        byte[] data = new byte[64 * 1024 + 512];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        rig.memory.write(0x100000, data, 0, data.length);
        rig.select(0, 0);
        rig.prd(0, 0x100000, 0, 0x110000, 512);
        rig.startDma(0, false);
        rig.lba48(0, Ata.WRITE_DMA_EXT, 1000, data.length / 512);
        assertTrue(rig.irq(0));
        assertEquals(Ata.DRDY | Ata.DSC, rig.status(0));
        assertArrayEquals(data, rig.imageBytes("d0", 1000 * 512, data.length));
    }

    @Test
    void aPrdTableShorterThanTheTransferFailsTheCommand() {
        rig.select(0, 0);
        rig.prd(0, 0x10000, 512);
        rig.lba28(0, Ata.READ_DMA, 0, 2);
        rig.startDma(0, true);
        assertEquals(IdeChannel.BM_ERROR, rig.bmStatus(0) & IdeChannel.BM_ERROR);
        assertEquals(Ata.DRDY | Ata.ERR, rig.status(0));
        assertEquals(Ata.ABRT, rig.reg(0, 1));
    }

    @Test
    void aRegionOutsideRamFailsTheCommandAndWritesNothing() {
        byte[] before = rig.images.get("d0").bytes.clone();
        rig.select(0, 0);
        rig.prd(0, IdeRig.RAM - 256, 512);
        rig.lba28(0, Ata.WRITE_DMA, 0, 1);
        rig.startDma(0, false);
        assertEquals(IdeChannel.BM_ERROR, rig.bmStatus(0) & IdeChannel.BM_ERROR);
        assertEquals(Ata.DRDY | Ata.ERR, rig.status(0));
        assertArrayEquals(before, rig.images.get("d0").bytes);
        rig.pci().barWrite(4, 0, 1, 0);
        rig.pci().barWrite(4, 4, 4, IdeRig.RAM + 0x1000L);
        rig.lba28(0, Ata.READ_DMA, 0, 1);
        rig.startDma(0, true);
        assertEquals(Ata.DRDY | Ata.ERR, rig.status(0), "the table itself outside RAM");
    }

    @Test
    void withoutBusMasteringOrInTheWrongDirectionNothingMoves() {
        rig.pci().busMaster(false);
        rig.select(0, 0);
        rig.prd(0, 0x10000, 512);
        rig.lba28(0, Ata.READ_DMA, 0, 1);
        rig.startDma(0, true);
        assertEquals(Ata.DRDY | Ata.ERR, rig.status(0));
        rig.pci().busMaster(true);
        rig.pci().barWrite(4, 0, 1, 0);
        rig.lba28(0, Ata.READ_DMA, 0, 1);
        rig.startDma(0, false);
        assertEquals(Ata.DRDY | Ata.ERR, rig.status(0), "the engine would read RAM for a read command");
    }

    @Test
    void anAtapiReadByDma() {
        rig.select(1, 0);
        rig.prd(1, 0x30000, 4096);
        rig.packet(1, new byte[] {0x28, 0, 0, 0, 0, 3, 0, 0, 2}, 0, true);
        rig.startDma(1, true);
        assertTrue(rig.irq(1));
        assertEquals(Ata.DRDY | Ata.DSC, rig.status(1));
        assertEquals(Ata.REASON_IO | Ata.REASON_COD, rig.reg(1, 2) & 3);
        assertArrayEquals(rig.imageBytes("cd0", 3 * 2048, 4096), rig.memory.bytes(0x30000, 4096));
    }
}
