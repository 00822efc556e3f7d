package io.modvm.core.pci;

/**
 * 00:01.3, the PIIX4 power management function of QEMU's pc (8086:7113, revision 3). The registers the firmware
 * programs are kept and read back: the PM I/O base (0x40, an I/O address: bit 0 reads 1), PMREGMISC (0x80, the
 * PM I/O enable), the SMBus base and host configuration (0x90, 0xD2) and the device activity register DEVACTB
 * (0x58). The PM registers themselves are the {@code acpi-pm} device's, at the fixed address the FADT names (0x600,
 * where SeaBIOS puts the PM base when it is given ACPI tables through fw_cfg, as here). DEVACTB's APMC enable bit
 * always reads as set: modvm has no System Management Mode, and SeaBIOS takes that bit to mean that SMM is set
 * up already; otherwise it would raise an SMI and wait forever for a handler that never runs.
 */
final class Piix4Pm extends ChipsetFunction {
    static final int VENDOR = 0x8086;
    static final int DEVICE = 0x7113;
    static final int REVISION = 0x03;
    static final int CLASS = 0x06_80_00;
    static final int FUNCTION = 3;
    static final int PM_BASE = 0x40;
    static final int DEVACTB = 0x58;
    static final int PMREGMISC = 0x80;
    static final int SMB_BASE = 0x90;
    static final int SMB_HOST_CONFIG = 0xD2;
    /** APMC_EN, bit 25 of DEVACTB: in its byte 3, bit 1. */
    private static final int APMC_EN_BYTE = DEVACTB + 3;
    private static final int APMC_EN_BIT = 1 << 1;

    Piix4Pm() {
        super(VENDOR, DEVICE, REVISION, CLASS, 0);
        reset();
    }

    @Override
    boolean writable(int offset) {
        return offset >= PM_BASE && offset < PM_BASE + 4 || offset >= DEVACTB && offset < DEVACTB + 4
                || offset == PMREGMISC || offset >= SMB_BASE && offset < SMB_BASE + 4 || offset == SMB_HOST_CONFIG;
    }

    @Override
    int fixedBits(int offset) {
        if (offset == PM_BASE || offset == SMB_BASE) {
            return 1; // I/O space
        }
        return offset == APMC_EN_BYTE ? APMC_EN_BIT : 0;
    }
}
