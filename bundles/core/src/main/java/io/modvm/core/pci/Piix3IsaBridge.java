package io.modvm.core.pci;

/**
 * 00:01.0, the PIIX3 PCI-to-ISA bridge of QEMU's pc (8086:7000), a multi-function device whose other functions are
 * the IDE controller (00:01.1) and the PIIX4 power management function (00:01.3). Its PIRQ route control
 * registers (0x60-0x63: which ISA IRQ each PCI interrupt line goes to; bit 7 set disables the route) keep what the
 * firmware programs. The PCI lines themselves reach the IOAPIC at GSI 16-19, which the ACPI tables describe; an OS
 * that uses the PIC instead of the IOAPIC follows these routes, which no part of modvm does yet.
 */
final class Piix3IsaBridge extends ChipsetFunction {
    static final int VENDOR = 0x8086;
    static final int DEVICE = 0x7000;
    static final int CLASS = 0x06_01_00;
    /** Multi-function: the OS looks for functions 1 to 7 too. */
    static final int HEADER_TYPE = 0x80;
    static final int PIRQ_ROUTE = 0x60;
    static final int PIRQ_LINES = 4;
    private static final int ROUTE_DISABLED = 0x80;

    Piix3IsaBridge() {
        super(VENDOR, DEVICE, 0, CLASS, HEADER_TYPE);
        reset();
    }

    @Override
    boolean writable(int offset) {
        return offset >= PIRQ_ROUTE && offset < PIRQ_ROUTE + PIRQ_LINES;
    }

    @Override
    int resetValue(int offset) {
        return ROUTE_DISABLED;
    }
}
