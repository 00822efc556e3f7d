/* Counts PIT ticks: after each tick it adds one to a counter in memory and three to one in a register, and
 * reports both (ports 0xF1 and 0xF3). A guest restored elsewhere must carry on with the next numbers. */
#include "testguest.h"

static volatile uint64_t ticks;
static volatile uint32_t counter;

void on_irq(int irq)
{
    if (irq == 0)
        ticks++;
}

int main(void)
{
    pic_init(1 << 0);
    pit_periodic(1000);
    sti();
    uint64_t seen = ticks;
    register uint64_t mine __asm__("r12") = 0;
    for (;;) {
        while (ticks == seen)
            pause();
        seen = ticks;
        counter++;
        mine += 3;
        __asm__ volatile("" : "+r"(mine));
        outl(0xF1, counter);
        outl(0xF3, (uint32_t)mine);
    }
}
