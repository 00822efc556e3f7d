/* Watches PCI bus 0 by reading every slot's ID again and again: prints "pci: + SS VVVV:DDDD" when a
 * function appears in slot SS and "pci: - SS VVVV:DDDD" when it goes. A virtio-rng that appears is
 * driven at once (polled, no MSI-X): "rng: ok SS" once it returned 16 bytes. It also plays the part of
 * the DSDT's hotplug AML (it has no ACPI interpreter): it reads the PCI hotplug registers, prints
 * "acpi: added SS" for a slot announced in PCIU, and ejects (B0EJ) every slot whose removal PCID
 * requests, printing "acpi: eject SS". With "rngloop" on the command line, the rng it drove last stays in
 * use: 16 bytes each round, "rng: rounds N" every 20 rounds, "rng: request failed" if one fails.
 * Runs until the VMM ends it. */
#include "testguest.h"

#define PCIU 0xAE00
#define PCID 0xAE04
#define B0EJ 0xAE08
/* A virtio-rng: transitional (0x1005, the default, as QEMU's pc) or modern-only (0x1044, disable-legacy=on). */
#define RNG_ID 0x10051AF4u
#define RNG_MODERN_ID 0x10441AF4u
#define IS_RNG(id) ((id) == RNG_ID || (id) == RNG_MODERN_ID)

static uint32_t seen[32];
static struct virtio_dev live;      /* the rng in use with rngloop */
static int live_slot = -1;
static uint8_t *live_buf;

static void hotplug_registers(void)
{
    uint32_t up = inl(PCIU);
    uint32_t down = inl(PCID);
    for (int slot = 1; slot < 32; slot++) {
        if (up & (1u << slot))
            printf("acpi: added %02x\n", slot);
        if (down & (1u << slot))
            printf("acpi: eject %02x\n", slot);
    }
    if (live_slot >= 0 && (down & (1u << live_slot)))
        live_slot = -1;             /* a driver lets go of the device before the eject */
    if (down)
        outl(B0EJ, down);
}

static void rng_round(void)
{
    static unsigned rounds;
    struct virtq_buf b = { live_buf, 16, 1 };
    long n = virtq_submit(&live.vq[0], &b, 1, 30000);
    if (n <= 0) {
        printf("rng: request failed (%ld)\n", n);
        live_slot = -1;
        return;
    }
    if (++rounds % 20 == 0)
        printf("rng: rounds %u\n", rounds);
}

static void use_rng(int slot)
{
    int index = 0;                  /* virtio_find counts the devices of a type in slot order */
    for (int s = 0; s < slot; s++)
        index += IS_RNG(seen[s]);
    struct virtio_dev v;
    if (virtio_find(VIRTIO_ID_RNG, index, &v) || v.pci.dev != slot
        || virtio_start(&v, VIRTIO_ID_RNG, index, 0, 1, 0)) {
        printf("rng: no driver for %02x\n", slot);
        return;
    }
    uint8_t *buf = phys_alloc(16, 16);
    struct virtq_buf b = { buf, 16, 1 };
    long n = virtq_submit(&v.vq[0], &b, 1, 30000);
    if (n > 0 && cmdline_has("rngloop")) {
        live = v;
        live_slot = slot;
        live_buf = buf;
    } else {
        virtio_reset(&v);
    }
    if (n > 0)
        printf("rng: ok %02x\n", slot);
    else
        printf("rng: request failed (%ld)\n", n);
}

int main(void)
{
    printf("pci: watching\n");
    for (;;) {
        if (!cmdline_has("noeject"))
            hotplug_registers();
        for (int slot = 0; slot < 32; slot++) {
            struct pci_dev d = { 0, (uint8_t)slot, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
            uint32_t id = pci_read32(&d, 0);
            if (id == 0xFFFFFFFFu)
                id = 0;
            if (id == seen[slot])
                continue;
            if (seen[slot])
                printf("pci: - %02x %04x:%04x\n", slot, seen[slot] & 0xFFFF, seen[slot] >> 16);
            if (slot == live_slot)
                live_slot = -1;
            seen[slot] = id;
            if (id) {
                printf("pci: + %02x %04x:%04x\n", slot, id & 0xFFFF, id >> 16);
                if (IS_RNG(id))
                    use_rng(slot);
            }
        }
        if (live_slot >= 0)
            rng_round();
        delay_us(20000);
    }
}
