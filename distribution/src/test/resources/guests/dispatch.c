/* Drives pc-testdev through ports and MMIO, then pokes unmapped ports and MMIO, which must read as all ones
 * and must not stop the guest. */
#include "testguest.h"

#define TESTDEV_PORT 0xE0
#define TESTDEV_MMIO 0xE0000000ull
#define UNMAPPED_PORT 0x1234
#define UNMAPPED_MMIO 0xD0000000ull

int main(void)
{
    int bad = 0;
    outl(TESTDEV_PORT, 0xCAFEF00D);
    if (inl(TESTDEV_PORT) != 0xCAFEF00D) { puts("port scratch wrong\n"); bad++; }
    outb(TESTDEV_PORT, 0x5A);
    if (inb(TESTDEV_PORT) != 0x5A) { puts("port byte wrong\n"); bad++; }

    mmio_write32(TESTDEV_MMIO + 0x10, 0x12345678);
    mmio_write64(TESTDEV_MMIO + 0x18, 0x1122334455667788ull);
    if (mmio_read32(TESTDEV_MMIO + 0x10) != 0x12345678) { puts("mmio32 wrong\n"); bad++; }
    if (mmio_read64(TESTDEV_MMIO + 0x18) != 0x1122334455667788ull) { puts("mmio64 wrong\n"); bad++; }
    if (mmio_read8(TESTDEV_MMIO + 0x1F) != 0x11) { puts("mmio8 wrong\n"); bad++; }

    long pokes = cmdline_int("pokes", 1000);
    for (long i = 0; i < pokes; i++) {
        outb(UNMAPPED_PORT, (uint8_t)i);
        if (inb(UNMAPPED_PORT) != 0xFF) { bad++; break; }
        mmio_write32(UNMAPPED_MMIO, (uint32_t)i);
        if (mmio_read32(UNMAPPED_MMIO) != 0xFFFFFFFFu) { bad++; break; }
    }
    printf("dispatch: %d wrong, %ld unmapped pokes survived\n", bad, pokes);
    return bad ? 1 : 0x21;
}
