package io.modvm.devices.emulated.e1000;

import static io.modvm.devices.emulated.e1000.E1000Registers.*;

import io.modvm.testkit.device.FakeGuestMemory;
import io.modvm.testkit.device.FakeNotifier;
import io.modvm.devices.emulated.testing.FakeNetworkBackend;
import io.modvm.testkit.device.FakePciFunction;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * One e1000 on fake guest RAM, a fake backend and a fake PCI function, driven through its BAR as a driver would: the
 * rings are laid out in RAM at fixed addresses, and the helpers write descriptors and registers.
 */
final class E1000Harness implements AutoCloseable {
    static final byte[] MAC = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    static final long RX_RING = 0x10000;
    static final long TX_RING = 0x20000;
    static final long RX_BUFFERS = 0x100000;
    static final long TX_BUFFERS = 0x200000;
    static final int RAM = 8 << 20;

    final FakeGuestMemory memory = new FakeGuestMemory(RAM);
    final FakeNetworkBackend backend;
    final FakePciFunction pci = new FakePciFunction();
    final E1000Device device;

    E1000Harness() throws Exception {
        this(false);
    }

    E1000Harness(boolean vnetHeader) throws Exception {
        backend = new FakeNetworkBackend(vnetHeader);
        device = newDevice();
        device.attach(pci);
        device.start();
    }

    E1000Device newDevice() throws Exception {
        return new E1000Device("nic0", E1000Config.parse("nic0", Map.of("netdev", "n0", "mac", "52:54:00:12:34:56")),
                backend, () -> memory, new FakeNotifier(), new FakeNotifier(), Executors.newSingleThreadScheduledExecutor());
    }

    int reg(int offset) {
        return (int) device.read(offset, 4);
    }

    void reg(int offset, int value) {
        device.write(offset, 4, value & 0xFFFF_FFFFL);
    }

    /** A receive ring of {@code count} descriptors with buffers of {@code bufferSize}, all given to the device. */
    void receiveRing(int count, int bufferSize, int rctl) {
        for (int i = 0; i < count; i++) {
            memory.writeLong(RX_RING + 16L * i, RX_BUFFERS + (long) i * bufferSize);
            memory.writeLong(RX_RING + 16L * i + 8, 0);
        }
        reg(RDBAL, (int) RX_RING);
        reg(RDBAH, 0);
        reg(RDLEN, count * 16);
        reg(RDH, 0);
        reg(RDT, count - 1);
        reg(RCTL, rctl | RCTL_EN);
    }

    void transmitRing(int count) {
        reg(TDBAL, (int) TX_RING);
        reg(TDBAH, 0);
        reg(TDLEN, count * 16);
        reg(TDH, 0);
        reg(TDT, 0);
        reg(TCTL, TCTL_EN);
    }

    /** Writes transmit descriptor {@code index}: buffer address, lower and upper dwords. */
    void txDescriptor(int index, long address, int lower, int upper) {
        long at = TX_RING + 16L * index;
        memory.writeLong(at, address);
        memory.writeInt(at + 8, lower);
        memory.writeInt(at + 12, upper);
    }

    int rxStatus(int index) {
        return memory.readByte(RX_RING + 16L * index + 12) & 0xFF;
    }

    int rxLength(int index) {
        return memory.readShort(RX_RING + 16L * index + 8) & 0xFFFF;
    }

    static boolean await(BooleanSupplier condition, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                return false;
            }
            Thread.sleep(2);
        }
        return true;
    }

    /** A frame to {@code to} from 52:54:00:aa:bb:cc of {@code type}, {@code length} bytes with a counting payload. */
    static byte[] frame(byte[] to, int type, int length) {
        byte[] f = new byte[length];
        System.arraycopy(to, 0, f, 0, 6);
        byte[] from = {0x52, 0x54, 0x00, (byte) 0xaa, (byte) 0xbb, (byte) 0xcc};
        System.arraycopy(from, 0, f, 6, 6);
        f[12] = (byte) (type >>> 8);
        f[13] = (byte) type;
        for (int i = 14; i < length; i++) {
            f[i] = (byte) (i * 7);
        }
        return f;
    }

    @Override
    public void close() {
        device.close();
    }
}
