package io.modvm.devices.emulated.ide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.backend.BackendKinds;
import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceException;
import io.modvm.testkit.device.FakeDeviceContext;
import io.modvm.testkit.device.LifecycleChecker;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where drives go on the shared controller, what their properties take, and the plugin lifecycle contract. */
class IdeFactoryTest {
    @Test
    void drivesFillPrimaryMasterSlaveThenSecondaryAndAFifthIsRefused() throws Exception {
        IdeRig rig = new IdeRig();
        IdeDriveDevice a = (IdeDriveDevice) rig.disk("a", Map.of());
        IdeDriveDevice b = (IdeDriveDevice) rig.disk("b", Map.of());
        IdeDriveDevice c = (IdeDriveDevice) rig.cdrom("c", Map.of());
        IdeDriveDevice d = (IdeDriveDevice) rig.disk("d", Map.of());
        assertEquals("0/0 0/1 1/0 1/1", a.placement().channel().index() + "/" + a.placement().unit() + " "
                + b.placement().channel().index() + "/" + b.placement().unit() + " "
                + c.placement().channel().index() + "/" + c.placement().unit() + " "
                + d.placement().channel().index() + "/" + d.placement().unit());
        assertTrue(a.placement().owner());
        assertFalse(b.placement().owner());
        assertEquals(1, rig.first.pciFunctions().size(), "one controller for every drive");
        DeviceException e = assertThrows(DeviceException.class, () -> rig.disk("e", Map.of()));
        assertTrue(e.getMessage().contains("every IDE unit is"), e.getMessage());
        b.close();
        rig.disk("e", Map.of("bus", "ide.0", "unit", "1"));
        assertThrows(DeviceException.class, () -> rig.disk("f", Map.of("bus", "ide.1", "unit", "0")));
    }

    @Test
    void serialAndModelReachIdentifyAndBadOnesAreRefused() throws Exception {
        IdeRig rig = new IdeRig();
        rig.disk("a", Map.of("serial", "ABC123", "model", "Old Disk", "bootindex", "1"));
        rig.select(0, 0);
        rig.reg(0, 7, Ata.IDENTIFY);
        byte[] id = rig.pioRead(0, 512);
        assertEquals('A', id[21]);
        assertEquals('O', id[55]);
        assertThrows(DeviceException.class, () -> rig.disk("b", Map.of("serial", "x".repeat(21))));
        assertThrows(DeviceException.class, () -> rig.disk("b", Map.of("bus", "ide.2")));
        assertThrows(DeviceException.class, () -> rig.hd.create(new FakeDeviceContext("n"), Map.of()));
    }

    @Test
    void theFactoriesKeepTheLifecycleContract() throws Exception {
        for (IdeDriveFactory f : new IdeDriveFactory[] {new IdeHdFactory(new IdeControllers()),
            new IdeCdFactory(new IdeControllers())}) {
            MemoryImage image = new MemoryImage(1 << 20, true);
            LifecycleChecker.of(f)
                    .contexts(() -> new FakeDeviceContext("lifecycle0").withRam(16 << 20)
                            .withBackend(BackendKinds.BLOCK, "d0", image.node()))
                    .validProperties(Map.of("drive", "d0"))
                    .badProperties(Map.of(), Map.of("drive", "d0", "unit", "2"), Map.of("drive", "d0", "bogus", "1"))
                    .exercise((Device d, FakeDeviceContext c) -> {
                        c.outb(0x1F6, Ata.LBA);
                        c.outb(0x1F7, f instanceof IdeCdFactory ? Ata.IDENTIFY_PACKET : Ata.IDENTIFY);
                        c.in(0x1F0, 2);
                    })
                    .checkAll();
        }
    }
}
