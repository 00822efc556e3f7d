package io.modvm.virtio.balloon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.virtio.balloon.auto.AutoLimits;
import io.modvm.virtio.device.VirtioFeatures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The configuration space, the target, and BALLOON_CHANGE notifications, as driver and host see them. */
class BalloonConfigSpaceTest {
    private static final long MIB = 1L << 20;

    @Test
    void identifiesAsQemusBalloon() throws Exception {
        BalloonDevice balloon = new BalloonRig().balloon;
        assertEquals(5, balloon.deviceType());
        assertEquals(0x00ff00, balloon.pciClass());
        assertEquals(4, balloon.queueCount());
        assertEquals(16, balloon.configSize());
    }

    @Test
    void offersStatsAlwaysAndTheOtherFeaturesWhenAskedNeverHinting() throws Exception {
        long plain = new BalloonRig().balloon.deviceFeatures();
        assertEquals(VirtioFeatures.bit(BalloonFeatures.STATS_VQ) | VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX)
                | VirtioFeatures.bit(VirtioFeatures.RING_INDIRECT_DESC), plain);
        long all = new BalloonRig(new BalloonConfig(true, true, 0, null), BalloonRig.LINUX_FEATURES).balloon
                .deviceFeatures();
        assertEquals(plain | VirtioFeatures.bit(BalloonFeatures.DEFLATE_ON_OOM)
                | VirtioFeatures.bit(BalloonFeatures.PAGE_REPORTING), all);
        assertEquals(0, all & (VirtioFeatures.bit(BalloonFeatures.FREE_PAGE_HINT)
                | VirtioFeatures.bit(BalloonFeatures.PAGE_POISON) | VirtioFeatures.bit(BalloonFeatures.MUST_TELL_HOST)));
    }

    @Test
    void theTargetAppearsInNumPagesAndInterruptsAnActiveDriver() throws Exception {
        try (BalloonRig rig = new BalloonRig()) {
            rig.balloon.setTargetMemory(48 * MIB);
            assertEquals(16 * MIB / 4096, rig.balloon.readConfig(BalloonConfigSpace.NUM_PAGES, 4));
            assertEquals(0, rig.activation.configInterrupts(), "no driver to tell yet");

            rig.activate();
            rig.balloon.setTargetMemory(32 * MIB);
            assertEquals(32 * MIB / 4096, rig.balloon.readConfig(BalloonConfigSpace.NUM_PAGES, 4));
            assertEquals(1, rig.activation.configInterrupts());
            assertEquals(32 * MIB, rig.balloon.targetMemory());
        }
    }

    @Test
    void aTargetAboveRamMeansAllOfRam() throws Exception {
        BalloonRig rig = new BalloonRig();
        rig.balloon.setTargetMemory(32 * MIB);
        rig.balloon.setTargetMemory(1L << 40);
        assertEquals(0, rig.balloon.readConfig(BalloonConfigSpace.NUM_PAGES, 4));
        assertEquals(BalloonRig.RAM_SIZE, rig.balloon.targetMemory());
    }

    @Test
    void driverWritesOfActualAreAnnouncedOnlyWhenItChanges() throws Exception {
        BalloonRig rig = new BalloonRig();
        rig.balloon.writeConfig(BalloonConfigSpace.ACTUAL, 4, 1024);
        rig.balloon.writeConfig(BalloonConfigSpace.ACTUAL, 4, 1024);
        // Linux writes actual whole; a driver writing half of it at a time still ends where it should.
        rig.balloon.writeConfig(BalloonConfigSpace.ACTUAL + 2, 2, 1);

        long first = BalloonRig.RAM_SIZE - 1024 * 4096L;
        long second = BalloonRig.RAM_SIZE - (0x1_0400L * 4096);
        assertEquals(List.of(first, Math.max(0, second)), rig.changes());
        assertEquals(0x1_0400, rig.balloon.readConfig(BalloonConfigSpace.ACTUAL, 4));
        assertEquals(0, rig.balloon.actualMemory(), "a balloon larger than RAM leaves nothing, never less");
    }

    @Test
    void theDriverCannotWriteTheHostsFields() throws Exception {
        BalloonRig rig = new BalloonRig();
        rig.balloon.setTargetMemory(60 * MIB);
        rig.balloon.writeConfig(BalloonConfigSpace.NUM_PAGES, 4, 0);
        rig.balloon.writeConfig(BalloonConfigSpace.FREE_PAGE_HINT_CMD_ID, 4, 77);
        rig.balloon.writeConfig(BalloonConfigSpace.POISON_VAL, 4, 0xaa55aa55L);
        rig.balloon.writeConfig(14, 8, -1L);

        assertEquals(4 * MIB / 4096, rig.balloon.readConfig(BalloonConfigSpace.NUM_PAGES, 4));
        assertEquals(0, rig.balloon.readConfig(BalloonConfigSpace.FREE_PAGE_HINT_CMD_ID, 4));
        assertEquals(0xffffaa55L, rig.balloon.readConfig(BalloonConfigSpace.POISON_VAL, 4));
        assertTrue(rig.changes().isEmpty());
    }

    @Test
    void configReadsAreLittleEndianAtAnyWidth() throws Exception {
        BalloonRig rig = new BalloonRig();
        rig.balloon.setTargetMemory(BalloonRig.RAM_SIZE - 0x234_5000L);
        rig.balloon.writeConfig(BalloonConfigSpace.ACTUAL, 4, 0x0102_0304);

        assertEquals(0x2345, rig.balloon.readConfig(0, 4));
        assertEquals(0x45, rig.balloon.readConfig(0, 1));
        assertEquals(0x0102_0304_0000_2345L, rig.balloon.readConfig(0, 8));
        assertEquals(0x0102, rig.balloon.readConfig(6, 2));
        assertEquals(0, rig.balloon.readConfig(16, 4), "past the end reads zero");
    }

    @Test
    void stateCarriesTheConfigurationAndStats() throws Exception {
        BalloonRig rig = new BalloonRig(new BalloonConfig(false, false, 0, new AutoLimits(MIB, 64 * MIB, 0, 5)),
                BalloonRig.LINUX_FEATURES);
        rig.balloon.setTargetMemory(40 * MIB);
        rig.balloon.writeConfig(BalloonConfigSpace.ACTUAL, 4, 100);
        BalloonState state = rig.balloon.state();

        BalloonRig other = new BalloonRig();
        other.balloon.restoreState(state);
        assertEquals(40 * MIB, other.balloon.targetMemory());
        assertEquals(rig.balloon.actualMemory(), other.balloon.actualMemory());
        assertEquals(state, other.balloon.state());
    }
}
