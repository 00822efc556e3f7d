package io.modvm.core.pci;

/**
 * A fixed function of QEMU pc's chipset: its identity (vendor, device, revision, class, header type, QEMU's
 * subsystem 1af4:1100) read-only, and a few byte registers the firmware programs, kept and read back. Which
 * registers, with what reset values and read-only bits, each subclass says.
 */
abstract class ChipsetFunction implements PciEndpoint {
    static final int SUBSYSTEM_VENDOR = 0x1af4;
    static final int SUBSYSTEM = 0x1100;

    private final int vendor;
    private final int device;
    private final int revision;
    private final int classCode;
    private final int headerType;
    /** The 256 configuration bytes the firmware may write; guarded by this. */
    private final byte[] registers = new byte[256];

    ChipsetFunction(int vendor, int device, int revision, int classCode, int headerType) {
        this.vendor = vendor;
        this.device = device;
        this.revision = revision;
        this.classCode = classCode;
        this.headerType = headerType;
    }

    /** True if the byte at {@code offset} is a register the firmware may write. */
    abstract boolean writable(int offset);

    /** The byte at {@code offset} after reset (for a writable register); 0 by default. */
    int resetValue(int offset) {
        return 0;
    }

    /** Bits of the byte at {@code offset} that always read as set, whatever was written. */
    int fixedBits(int offset) {
        return 0;
    }

    /** Back to power-on values. */
    synchronized void reset() {
        for (int i = 0; i < registers.length; i++) {
            registers[i] = (byte) (writable(i) ? resetValue(i) : 0);
        }
    }

    @Override
    public synchronized int readConfig(int offset, int size) {
        int aligned = offset & 0xFC;
        int dword = switch (aligned) {
            case 0x00 -> vendor | device << 16;
            case 0x08 -> classCode << 8 | revision;
            case 0x0C -> headerType << 16;
            case 0x2C -> SUBSYSTEM_VENDOR | SUBSYSTEM << 16;
            default -> 0;
        };
        for (int i = 0; i < 4; i++) {
            int at = aligned + i;
            if (writable(at)) {
                dword |= ((registers[at] & 0xFF) | fixedBits(at)) << (8 * i);
            }
        }
        return ConfigBytes.extract(dword, offset, size);
    }

    @Override
    public synchronized void writeConfig(int offset, int size, int value) {
        for (int i = 0; i < size && offset + i < registers.length; i++) {
            if (writable(offset + i)) {
                registers[offset + i] = (byte) (value >>> (8 * i));
            }
        }
    }

    /** The byte the firmware left at {@code offset}, fixed bits included. */
    synchronized int register(int offset) {
        return (registers[offset] & 0xFF) | fixedBits(offset);
    }

    int vendor() {
        return vendor;
    }

    int device() {
        return device;
    }

    int revision() {
        return revision;
    }

    int classCode() {
        return classCode;
    }
}
