/* Watches PCI bus 0 for hello-pci devices (examples/hello-device, IDs 1b36:7e57) that come and go while it runs,
 * and keeps every one it found busy. A function that appears in slot SS is announced as
 * "pci: + SS VVVV:DDDD"; a hello device there gets its BAR 0 enabled, then "hello SS: id XXXXXXXX", a write of
 * 0xcafef00d to its scratch register and "hello SS: scratch XXXXXXXX" as read back. Each round (20 ms) it writes
 * a new value to the scratch register of every hello device it drives and reads the value and the ID back; every
 * 25 rounds it prints "tick N" and, for each such device, "hello SS: ok N" (the rounds that read back right so
 * far) or "hello SS: bad id XXXXXXXX scratch XXXXXXXX" for a round that did not. A function that goes is
 * announced as "pci: - SS VVVV:DDDD". It plays the hotplug AML's part as guests/pci_watch.c does: "acpi: added
 * SS" for a slot announced in PCIU, "acpi: eject SS" and an eject (B0EJ) for each slot PCID asks to remove.
 * Runs until the VMM ends it. */
#include "testguest.h"

#define PCIU 0xAE00
#define PCID 0xAE04
#define B0EJ 0xAE08
#define HELLO_ID 0x7e571b36u
#define REG_ID 0
#define REG_SCRATCH 4
#define HELLO_MAGIC 0x4d564845u

static uint32_t seen[32];
static uint64_t regs[32];           /* BAR 0 of each hello device driven, else 0 */
static unsigned good[32];
static int bad_reported[32];

static void hotplug_registers(void)
{
    uint32_t up = inl(PCIU);
    uint32_t down = inl(PCID);
    for (int slot = 1; slot < 32; slot++) {
        if (up & (1u << slot))
            printf("acpi: added %02x\n", slot);
        if (down & (1u << slot)) {
            printf("acpi: eject %02x\n", slot);
            regs[slot] = 0;         /* a driver lets go of the device before the eject */
        }
    }
    if (down)
        outl(B0EJ, down);
}

static void start_hello(int slot)
{
    struct pci_dev d = { 0, (uint8_t)slot, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
    struct pci_bar bar;
    if (pci_bar(&d, 0, &bar) || bar.io || bar.addr == 0) {
        printf("hello %02x: BAR 0 is not a memory BAR\n", slot);
        return;
    }
    pci_enable(&d, PCI_CMD_MEMORY);
    uint64_t r = bar.addr;
    printf("hello %02x: id %08x\n", slot, mmio_read32(r + REG_ID));
    mmio_write32(r + REG_SCRATCH, 0xcafef00d);
    printf("hello %02x: scratch %08x\n", slot, mmio_read32(r + REG_SCRATCH));
    regs[slot] = r;
    good[slot] = 0;
    bad_reported[slot] = 0;
}

static void exercise(int slot, unsigned round)
{
    uint32_t value = 0x5a000000u | (round << 8) | (uint32_t)slot;
    mmio_write32(regs[slot] + REG_SCRATCH, value);
    uint32_t back = mmio_read32(regs[slot] + REG_SCRATCH);
    uint32_t id = mmio_read32(regs[slot] + REG_ID);
    if (back == value && id == HELLO_MAGIC) {
        good[slot]++;
    } else if (!bad_reported[slot]++) {
        printf("hello %02x: bad id %08x scratch %08x\n", slot, id, back);
    }
}

int main(void)
{
    printf("hello-watch: watching\n");
    for (unsigned round = 1;; round++) {
        hotplug_registers();
        for (int slot = 1; slot < 32; slot++) {
            struct pci_dev d = { 0, (uint8_t)slot, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
            uint32_t id = pci_read32(&d, 0);
            if (id == 0xFFFFFFFFu)
                id = 0;
            if (id == seen[slot])
                continue;
            if (seen[slot])
                printf("pci: - %02x %04x:%04x\n", slot, seen[slot] & 0xFFFF, seen[slot] >> 16);
            regs[slot] = 0;
            seen[slot] = id;
            if (id) {
                printf("pci: + %02x %04x:%04x\n", slot, id & 0xFFFF, id >> 16);
                if (id == HELLO_ID)
                    start_hello(slot);
            }
        }
        for (int slot = 1; slot < 32; slot++)
            if (regs[slot])
                exercise(slot, round);
        if (round % 25 == 0) {
            printf("tick %u\n", round / 25);
            for (int slot = 1; slot < 32; slot++)
                if (regs[slot] && !bad_reported[slot])
                    printf("hello %02x: ok %u\n", slot, good[slot]);
        }
        delay_us(20000);
    }
}
