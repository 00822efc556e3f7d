package io.modvm.core.pci;

/**
 * Function 0 of slot 0: the host bridge, identified as QEMU pc's i440FX (8086:1237, revision 2, subsystem
 * 1af4:1100, which is how SeaBIOS tells that it runs on QEMU's machine and may use fw_cfg). Its PAM registers
 * (0x59-0x5F, which shadow the BIOS area) and SMRAM register (0x72) keep what the firmware writes and read it
 * back; the BIOS area behind them is RAM, which is what a shadowed BIOS area is (see
 * {@code io.modvm.core.firmware.FirmwareLoader}). Everything else is read-only.
 */
final class HostBridge extends ChipsetFunction {
    static final int VENDOR = 0x8086;
    static final int DEVICE = 0x1237;
    static final int REVISION = 0x02;
    static final int CLASS = 0x06_00_00;
    static final int PAM0 = 0x59;
    static final int PAM_COUNT = 7;
    static final int SMRAM = 0x72;
    /** SMRAM's reset value: the compatible SMRAM space (0xA0000) selected, closed. */
    private static final int SMRAM_RESET = 0x02;

    HostBridge() {
        super(VENDOR, DEVICE, REVISION, CLASS, 0);
        reset();
    }

    @Override
    boolean writable(int offset) {
        return offset >= PAM0 && offset < PAM0 + PAM_COUNT || offset == SMRAM;
    }

    @Override
    int resetValue(int offset) {
        return offset == SMRAM ? SMRAM_RESET : 0;
    }
}
