package io.modvm.core.pci;

/**
 * Function 0 of slot 0: the host bridge, identified as QEMU pc's i440FX (8086:1237, revision 2, subsystem
 * 1af4:1100, which is how SeaBIOS tells that it runs on QEMU's machine and may use fw_cfg). Its PAM registers
 * (0x59-0x5F, which shadow the BIOS area) and SMRAM register (0x72) keep what the firmware writes and read it
 * back; the BIOS area behind them is RAM, which is what a shadowed BIOS area is (see
 * {@code io.modvm.core.firmware.FirmwareLoader}). Everything else is read-only.
 */
final class HostBridge implements PciEndpoint {
    static final int VENDOR = 0x8086;
    static final int DEVICE = 0x1237;
    static final int REVISION = 0x02;
    static final int CLASS = 0x06_00_00;
    static final int SUBSYSTEM_VENDOR = 0x1af4;
    static final int SUBSYSTEM = 0x1100;
    static final int PAM0 = 0x59;
    static final int PAM_COUNT = 7;
    static final int SMRAM = 0x72;
    /** SMRAM's reset value: the compatible SMRAM space (0xA0000) selected, closed. */
    private static final int SMRAM_RESET = 0x02;

    /** PAM0..PAM6, then SMRAM; guarded by this. */
    private final byte[] registers = new byte[PAM_COUNT + 1];

    HostBridge() {
        reset();
    }

    /** Back to power-on values. */
    synchronized void reset() {
        java.util.Arrays.fill(registers, (byte) 0);
        registers[PAM_COUNT] = SMRAM_RESET;
    }

    @Override
    public synchronized int readConfig(int offset, int size) {
        int aligned = offset & ~3;
        int dword = switch (aligned) {
            case 0x00 -> VENDOR | DEVICE << 16;
            case 0x08 -> CLASS << 8 | REVISION;
            case 0x2C -> SUBSYSTEM_VENDOR | SUBSYSTEM << 16;
            default -> 0;
        };
        for (int i = 0; i < 4; i++) {
            int r = register(aligned + i);
            if (r >= 0) {
                dword |= (registers[r] & 0xFF) << (8 * i);
            }
        }
        return ConfigBytes.extract(dword, offset, size);
    }

    @Override
    public synchronized void writeConfig(int offset, int size, int value) {
        for (int i = 0; i < size; i++) {
            int r = register(offset + i);
            if (r >= 0) {
                registers[r] = (byte) (value >>> (8 * i));
            }
        }
    }

    /** The index in {@link #registers} of configuration byte {@code at}, or -1 if it is read-only. */
    private static int register(int at) {
        if (at >= PAM0 && at < PAM0 + PAM_COUNT) {
            return at - PAM0;
        }
        return at == SMRAM ? PAM_COUNT : -1;
    }
}
