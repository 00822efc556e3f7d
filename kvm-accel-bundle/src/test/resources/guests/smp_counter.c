/* Two CPUs counting: the BSP one step per PIT tick (port 0xF1), the AP one step per busy loop (port 0xF5).
 * Restored elsewhere, each must carry on from its own last number. */
#include "testguest.h"

static volatile uint64_t ticks;
static volatile uint32_t counter;
static volatile uint32_t ap_counter;

void on_irq(int irq)
{
    if (irq == 0)
        ticks++;
}

void ap_main(int cpu)
{
    (void)cpu;
    for (;;) {
        for (volatile int i = 0; i < (1 << 16); i++)
            pause();
        ap_counter++;
        outl(0xF5, ap_counter);
    }
}

int main(void)
{
    start_aps(2);
    pic_init(1 << 0);
    pit_periodic(1000);
    sti();
    uint64_t seen = ticks;
    for (;;) {
        while (ticks == seen)
            pause();
        seen = ticks;
        counter++;
        outl(0xF1, counter);
    }
}
