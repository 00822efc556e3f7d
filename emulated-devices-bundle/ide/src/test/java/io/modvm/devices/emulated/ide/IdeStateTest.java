package io.modvm.devices.emulated.ide;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.backend.BackendKinds;
import io.modvm.api.device.DeviceException;
import io.modvm.api.state.StateRecord;
import io.modvm.testkit.device.FakeDeviceContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A drive and its controller handed over mid-transfer go on where they were; a state that does not fit is refused. */
class IdeStateTest {
    @Test
    void aPioReadHandedOverHalfWayGoesOnWithTheRestOfTheData() throws Exception {
        IdeRig rig = IdeRig.standard();
        rig.first.outb(PiixIde.CONTROL_PORTS[0], Ata.NIEN);
        rig.select(0, 0);
        rig.lba28(0, Ata.READ_MULTIPLE, 10, 3);
        byte[] head = rig.pioRead(0, 700);
        IdeDriveDevice old = (IdeDriveDevice) findDevice(rig);
        old.quiesce();
        StateRecord saved = old.saveState();
        MemoryImage image = rig.images.get("d0");
        old.close();

        IdeControllers controllers = new IdeControllers();
        FakeDeviceContext context = new FakeDeviceContext("d0").withRam(rig.memory, IdeRig.RAM)
                .withBackend(BackendKinds.BLOCK, "drive-d0", image.node());
        IdeDriveDevice next = (IdeDriveDevice) new IdeHdFactory(controllers).restore(context,
                Map.of("drive", "drive-d0", "bus", "ide.0", "unit", "0"), saved);
        assertEquals(saved, next.saveState(), "the whole state was taken over");
        byte[] rest = new byte[3 * 512 - 700];
        for (int i = 0; i < rest.length; i += 2) {
            int w = (int) context.in(0x1F0, 2);
            rest[i] = (byte) w;
            rest[i + 1] = (byte) (w >>> 8);
        }
        byte[] all = new byte[3 * 512];
        System.arraycopy(head, 0, all, 0, 700);
        System.arraycopy(rest, 0, all, 700, rest.length);
        assertArrayEquals(rig.imageBytes("d0", 10 * 512, 3 * 512), all);
        assertEquals(Ata.DRDY | Ata.DSC, context.inb(0x1F7));
        assertTrue(!context.line(14).level(), "nIEN came along: no interrupt was raised");
    }

    @Test
    void aStateOfAnotherDriveOrWithABrokenTransferIsRefused() throws Exception {
        IdeRig rig = IdeRig.standard();
        IdeDriveDevice old = (IdeDriveDevice) findDevice(rig);
        StateRecord saved = old.saveState();
        StateRecord drive = saved.getRecord("drive");
        old.close();
        MemoryImage other = new MemoryImage(4096, false);
        FakeDeviceContext context = new FakeDeviceContext("d0").withRam(rig.memory, IdeRig.RAM)
                .withBackend(BackendKinds.BLOCK, "x", other.node());
        DeviceException e = assertThrows(DeviceException.class, () -> new IdeHdFactory(new IdeControllers())
                .restore(context, Map.of("drive", "x"), saved));
        assertTrue(e.getMessage().contains("cannot take over the saved state"), e.getMessage());

        StateRecord.Builder bad = StateRecord.builder(IdeState.DRIVE, IdeState.VERSION);
        for (String n : drive.names()) {
            if (!n.equals("pos") && !n.equals("chunkEnd")) {
                copy(drive, bad, n);
            }
        }
        bad.put("pos", 100).put("chunkEnd", 50);
        StateRecord broken = StateRecord.builder("ide-device", 1).put("bus", 0).put("unit", 0)
                .put("drive", bad.build()).build();
        FakeDeviceContext again = new FakeDeviceContext("d0").withRam(rig.memory, IdeRig.RAM)
                .withBackend(BackendKinds.BLOCK, "drive-d0", rig.images.get("d0").node());
        assertThrows(DeviceException.class, () -> new IdeHdFactory(new IdeControllers()).restore(again,
                Map.of("drive", "drive-d0"), broken));
    }

    private static void copy(StateRecord from, StateRecord.Builder to, String name) throws Exception {
        switch (name) {
            case "phase" -> to.put(name, from.getString(name));
            case "buffer" -> to.put(name, from.getBytes(name));
            case "cdrom", "lba48", "packetDma" -> to.put(name, from.getBoolean(name));
            default -> to.put(name, from.getLong(name));
        }
    }

    private static io.modvm.api.device.Device findDevice(IdeRig rig) {
        return rig.devices.get("d0");
    }
}
