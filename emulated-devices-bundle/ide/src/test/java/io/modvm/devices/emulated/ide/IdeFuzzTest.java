package io.modvm.devices.emulated.ide;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random register writes and reads, as a hostile or broken driver makes them, over both channels' command
 * blocks, control registers and the bus master block, with PRD tables pointing anywhere: no access throws, no image
 * access falls outside an image, and a driver that then resets the channel reads a sector as it should.
 */
class IdeFuzzTest {
    private static final long SEED = 0x7010L;
    private static final int ROUNDS = 20_000;

    @Test
    void randomAccessesNeverThrowNorReachOutsideTheImages() throws Exception {
        IdeRig rig = IdeRig.standard();
        fuzz(rig, new Random(SEED));
        assertEquals(0, rig.images.get("d0").strayAccesses);
        assertEquals(0, rig.images.get("cd0").strayAccesses);

        rig.pci().barWrite(4, 0, 1, 0);
        rig.first.outb(PiixIde.CONTROL_PORTS[0], Ata.SRST);
        rig.first.outb(PiixIde.CONTROL_PORTS[0], 0);
        rig.select(0, 0);
        rig.lba28(0, Ata.READ_SECTORS, 7, 1);
        assertEquals(Ata.DRDY | Ata.DSC | Ata.DRQ, rig.status(0));
        assertArrayEquals(rig.imageBytes("d0", 7 * 512, 512), rig.pioRead(0, 512));
    }

    /** Slaves without masters, where every access to unit 0 meets an absent drive. */
    @Test
    void slavesAloneSurviveTheSame() throws Exception {
        IdeRig rig = new IdeRig();
        rig.disk("d1", java.util.Map.of("bus", "ide.0", "unit", "1"));
        rig.cdrom("cd1", java.util.Map.of("bus", "ide.1", "unit", "1"));
        rig.pci().busMaster(true);
        fuzz(rig, new Random(SEED + 1));
        assertEquals(0, rig.images.get("d1").strayAccesses);
        assertEquals(0, rig.images.get("cd1").strayAccesses);
    }

    private static void fuzz(IdeRig rig, Random r) {
        int[] commands = {Ata.READ_SECTORS, Ata.READ_SECTORS_EXT, Ata.WRITE_SECTORS, Ata.WRITE_SECTORS_EXT,
            Ata.READ_MULTIPLE, Ata.WRITE_MULTIPLE_EXT, Ata.READ_DMA, Ata.WRITE_DMA_EXT, Ata.SET_MULTIPLE, Ata.PACKET,
            Ata.IDENTIFY, Ata.IDENTIFY_PACKET, Ata.DEVICE_RESET, Ata.SET_FEATURES, Ata.FLUSH_CACHE};
        for (int round = 0; round < ROUNDS; round++) {
            int channel = r.nextInt(2);
            int base = rig.base(channel);
            switch (r.nextInt(8)) {
                case 0 -> rig.first.outb(base + 1 + r.nextInt(6), r.nextInt(256));
                case 1 -> rig.first.outb(base + 7, r.nextInt(4) == 0 ? r.nextInt(256)
                        : commands[r.nextInt(commands.length)]);
                case 2 -> rig.first.out(base, 1 << r.nextInt(3), r.nextLong());
                case 3 -> rig.first.in(base + r.nextInt(8), 1 << r.nextInt(3));
                case 4 -> rig.first.outb(PiixIde.CONTROL_PORTS[channel], r.nextInt(8) == 0 ? Ata.SRST
                        : r.nextInt(256) & ~Ata.SRST);
                case 5 -> rig.pci().barWrite(4, r.nextInt(16), 1 << r.nextInt(3), r.nextLong());
                case 6 -> {
                    long at = IdeRig.PRD_TABLE + 8L * r.nextInt(4);
                    rig.memory.writeInt(at, r.nextBoolean() ? r.nextInt() : 0x10000 + r.nextInt(0x100000));
                    rig.memory.writeInt(at + 4, r.nextInt());
                    rig.pci().barWrite(4, channel * 8L + 4, 4, r.nextInt(8) == 0 ? r.nextInt() : IdeRig.PRD_TABLE);
                }
                default -> rig.pci().barRead(4, r.nextInt(16), 1 << r.nextInt(3));
            }
        }
    }
}
