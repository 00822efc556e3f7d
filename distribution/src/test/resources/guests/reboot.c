/*
 * Counts boots in CMOS RAM (which survives a reset), and resets through the i8042 until the count is reached.
 * With "wait" on the command line, each boot waits for a key on the serial console before it resets.
 */
#include "testguest.h"

#define CMOS_BOOTS 0x40

static uint8_t cmos_read(uint8_t reg) { outb(0x70, reg); return inb(0x71); }
static void cmos_write(uint8_t reg, uint8_t v) { outb(0x70, reg); outb(0x71, v); }

int main(void)
{
    int boots = cmos_read(CMOS_BOOTS) + 1;
    cmos_write(CMOS_BOOTS, (uint8_t)boots);
    printf("boot %d\n", boots);
    if (boots >= cmdline_int("boots", 3))
        return 0x40 + boots;
    if (cmdline_has("wait"))
        getc();
    outb(0x64, 0xFE);               /* pulse the reset line */
    for (;;)
        pause();
}
