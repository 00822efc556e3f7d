package io.modvm.devices.emulated.ide;

import io.modvm.api.backend.BackendKinds;
import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceException;
import io.modvm.testkit.device.FakeDeviceContext;
import io.modvm.testkit.device.FakeGuestMemory;
import io.modvm.testkit.device.FakePciFunction;
import java.util.HashMap;
import java.util.Map;

/**
 * A machine with the PIIX IDE controller as a driver sees it: the first drive's context holds the ports, the
 * interrupt lines and the PCI function; helpers issue commands and move data as ata_piix or SeaBIOS would.
 */
final class IdeRig {
    static final int RAM = 4 << 20;
    static final int DISK_SECTORS = 2048;
    static final int CD_SECTORS = 64;
    static final long PRD_TABLE = 0x1000;

    final FakeGuestMemory memory = new FakeGuestMemory(RAM);
    final IdeControllers controllers = new IdeControllers();
    final IdeHdFactory hd = new IdeHdFactory(controllers);
    final IdeCdFactory cd = new IdeCdFactory(controllers);
    final Map<String, MemoryImage> images = new HashMap<>();
    final Map<String, Device> devices = new HashMap<>();
    FakeDeviceContext first;

    /** A disk at the primary master and a CD at the secondary master, as -hda and -cdrom give. */
    static IdeRig standard() throws DeviceException {
        IdeRig rig = new IdeRig();
        rig.disk("d0", Map.of("bus", "ide.0", "unit", "0"));
        rig.cdrom("cd0", Map.of("bus", "ide.1", "unit", "0"));
        rig.pci().busMaster(true);
        return rig;
    }

    Device disk(String id, Map<String, String> props) throws DeviceException {
        return plug(hd, id, DISK_SECTORS * 512, false, props);
    }

    Device cdrom(String id, Map<String, String> props) throws DeviceException {
        return plug(cd, id, CD_SECTORS * 2048, true, props);
    }

    Device plug(IdeDriveFactory factory, String id, int size, boolean readOnly, Map<String, String> props)
            throws DeviceException {
        MemoryImage image = new MemoryImage(size, readOnly);
        images.put(id, image);
        FakeDeviceContext context = new FakeDeviceContext(id).withRam(memory, RAM)
                .withBackend(BackendKinds.BLOCK, "drive-" + id, image.node());
        Map<String, String> all = new HashMap<>(props);
        all.put("drive", "drive-" + id);
        Device d = factory.create(context, all);
        devices.put(id, d);
        if (first == null) {
            first = context;
        }
        return d;
    }

    FakePciFunction pci() {
        return first.pci();
    }

    int base(int channel) {
        return PiixIde.COMMAND_PORTS[channel];
    }

    int status(int channel) {
        return first.inb(base(channel) + 7);
    }

    int altStatus(int channel) {
        return first.inb(PiixIde.CONTROL_PORTS[channel]);
    }

    int reg(int channel, int reg) {
        return first.inb(base(channel) + reg);
    }

    void reg(int channel, int reg, int value) {
        first.outb(base(channel) + reg, value);
    }

    boolean irq(int channel) {
        return first.line(PiixIde.IRQS[channel]).level();
    }

    /** Selects a unit in LBA mode, as drivers do before every command. */
    void select(int channel, int unit) {
        reg(channel, 6, Ata.LBA | (unit << 4));
    }

    /** An LBA28 command on the selected drive. */
    void lba28(int channel, int command, long lba, int count) {
        reg(channel, 2, count);
        reg(channel, 3, (int) lba);
        reg(channel, 4, (int) (lba >>> 8));
        reg(channel, 5, (int) (lba >>> 16));
        reg(channel, 6, Ata.LBA | (int) (lba >>> 24 & 0xF) | (reg(channel, 6) & Ata.DEV));
        reg(channel, 7, command);
    }

    /** An LBA48 command: the high bytes first, then the low ones, as the HOB registers take them. */
    void lba48(int channel, int command, long lba, int count) {
        reg(channel, 2, count >>> 8);
        reg(channel, 3, (int) (lba >>> 24));
        reg(channel, 4, (int) (lba >>> 32));
        reg(channel, 5, (int) (lba >>> 40));
        reg(channel, 2, count);
        reg(channel, 3, (int) lba);
        reg(channel, 4, (int) (lba >>> 8));
        reg(channel, 5, (int) (lba >>> 16));
        reg(channel, 6, Ata.LBA | (reg(channel, 6) & Ata.DEV));
        reg(channel, 7, command);
    }

    /** Reads {@code bytes} through the data port, 16 bits at a time. */
    byte[] pioRead(int channel, int bytes) {
        byte[] out = new byte[bytes];
        for (int i = 0; i < bytes; i += 2) {
            int w = (int) first.in(base(channel), 2);
            out[i] = (byte) w;
            out[i + 1] = (byte) (w >>> 8);
        }
        return out;
    }

    void pioWrite(int channel, byte[] data) {
        for (int i = 0; i < data.length; i += 2) {
            first.out(base(channel), 2, (data[i] & 0xFF) | (data[i + 1] & 0xFF) << 8);
        }
    }

    /** An ATAPI PACKET with {@code packet} (padded to 12 bytes), PIO with {@code byteLimit}, or DMA. */
    void packet(int channel, byte[] packet, int byteLimit, boolean dma) {
        reg(channel, 1, dma ? 1 : 0);
        reg(channel, 4, byteLimit & 0xFF);
        reg(channel, 5, byteLimit >>> 8);
        reg(channel, 7, Ata.PACKET);
        byte[] p = java.util.Arrays.copyOf(packet, 12);
        pioWrite(channel, p);
    }

    /** A PRD table of {@code regions} (address, length pairs), the last marked. */
    void prd(int channel, long... regions) {
        for (int i = 0; i < regions.length; i += 2) {
            memory.writeInt(PRD_TABLE + 4L * i, (int) regions[i]);
            int control = (int) regions[i + 1] & 0xFFFF | (i + 2 == regions.length ? 0x8000_0000 : 0);
            memory.writeInt(PRD_TABLE + 4L * i + 4, control);
        }
        pci().barWrite(4, channel * 8L + 4, 4, PRD_TABLE);
    }

    void startDma(int channel, boolean toMemory) {
        pci().barWrite(4, channel * 8L, 1, (toMemory ? IdeChannel.BM_TO_MEMORY : 0) | IdeChannel.BM_START);
    }

    int bmStatus(int channel) {
        return (int) pci().barRead(4, channel * 8L + 2, 1);
    }

    byte[] imageBytes(String id, long offset, int length) {
        return java.util.Arrays.copyOfRange(images.get(id).bytes, (int) offset, (int) offset + length);
    }
}
