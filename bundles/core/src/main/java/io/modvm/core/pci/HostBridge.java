package io.modvm.core.pci;

/**
 * Function 0 of slot 0: the host bridge, which answers only with its identity (class 06/00), as the host bridges of
 * Firecracker and Cloud Hypervisor do.
 */
final class HostBridge implements PciEndpoint {
    static final int VENDOR = 0x8086;
    static final int DEVICE = 0x0d57;
    static final int CLASS = 0x06_00_00;

    @Override
    public int readConfig(int offset, int size) {
        int dword = switch (offset & ~3) {
            case 0x00 -> VENDOR | DEVICE << 16;
            case 0x08 -> CLASS << 8;
            default -> 0;
        };
        return ConfigBytes.extract(dword, offset, size);
    }

    @Override
    public void writeConfig(int offset, int size, int value) {
        // read-only
    }
}
