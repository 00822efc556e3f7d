/* PIT channel 0 at hz=N (default 100) through the 8259 on IRQ0; counts ticks=N (default 10) in on_irq. */
#include "testguest.h"

static volatile int ticks;

void on_irq(int irq)
{
    if (irq == 0)
        ticks++;
}

int main(void)
{
    int hz = (int)cmdline_int("hz", 100);
    int want = (int)cmdline_int("ticks", 10);
    pic_init(1 << 0);
    pit_periodic((uint32_t)hz);
    uint64_t per_ms = tsc_per_ms();
    uint64_t t0 = rdtsc();
    sti();
    while (ticks < want && rdtsc() - t0 < 5000 * per_ms)
        pause();
    cli();
    uint64_t ms = (rdtsc() - t0) / per_ms;
    printf("timer: %d IRQ0 ticks at %d Hz in %lu ms\n", ticks, hz, ms);
    return ticks >= want ? 0 : 1;
}
