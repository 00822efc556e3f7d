/* Writes known pages between reports on port 0xF2, so that the host can fetch the dirty log at each report:
 * low RAM from 4 MiB (slot 0) and a second slot at 3 GiB that maps the RAM region's second half. */
#include "testguest.h"

#define LOW 0x400000ULL
#define HIGH 0xC0000000ULL

static void touch(uint64_t base, const int *pages, int n)
{
    for (int i = 0; i < n; i++)
        *(volatile uint8_t *)(uintptr_t)(base + (uint64_t)pages[i] * 4096 + 8) = (uint8_t)(0x5A + i);
}

int main(void)
{
    static const int first[] = {0, 3, 7, 64, 65, 200};
    static const int second_slot[] = {5, 1023};
    static const int again[] = {1, 3, 300};
    outb(0xF2, 0);
    touch(LOW, first, 6);
    touch(HIGH, second_slot, 2);
    outb(0xF2, 1);
    touch(LOW, again, 3);
    outb(0xF2, 2);
    outb(0xF0, 0);
    for (;;)
        pause();
}
