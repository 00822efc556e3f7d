/* hello-pci, the example third-party device (examples/hello-device): finds the function by its IDs, reads the
 * ID register in BAR 0, writes the scratch register at every width and reads it back, and checks that the ID
 * register ignores writes. Prints each value; the test compares them. */
#include "testguest.h"

#define HELLO_VENDOR  0x1b36
#define HELLO_DEVICE  0x7e57
#define REG_ID        0
#define REG_SCRATCH   4

int main(void)
{
    struct pci_dev d;
    struct pci_bar bar;
    if (pci_find(HELLO_VENDOR, HELLO_DEVICE, 0, &d)) {
        printf("hello: no %04x:%04x on bus 0\n", HELLO_VENDOR, HELLO_DEVICE);
        return 1;
    }
    printf("hello: found %02x:%02x.%x %04x:%04x class %02x%02x%02x rev %02x subsystem %04x:%04x\n", d.bus, d.dev,
           d.fn, d.vendor, d.device, d.class_code, d.subclass, d.prog_if, d.revision, d.subsys_vendor,
           d.subsys_device);
    if (pci_bar(&d, 0, &bar) || bar.io || bar.addr == 0) {
        printf("hello: BAR 0 is not a memory BAR\n");
        return 2;
    }
    printf("hello: bar0 size 0x%lx\n", (unsigned long)bar.size);
    pci_enable(&d, PCI_CMD_MEMORY);
    uint64_t regs = bar.addr;

    printf("hello: id %08x\n", mmio_read32(regs + REG_ID));
    printf("hello: scratch after reset %08x\n", mmio_read32(regs + REG_SCRATCH));
    mmio_write32(regs + REG_SCRATCH, 0xcafef00d);
    printf("hello: scratch %08x\n", mmio_read32(regs + REG_SCRATCH));
    mmio_write8(regs + REG_SCRATCH + 1, 0x5a);
    mmio_write16(regs + REG_SCRATCH + 2, 0x1234);
    printf("hello: scratch after byte and word writes %08x\n", mmio_read32(regs + REG_SCRATCH));
    printf("hello: scratch high byte %02x\n", mmio_read8(regs + REG_SCRATCH + 3));
    mmio_write32(regs + REG_ID, 0);
    printf("hello: id after write %08x\n", mmio_read32(regs + REG_ID));
    printf("hello: done\n");
    return 0;
}
