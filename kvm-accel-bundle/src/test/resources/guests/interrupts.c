/* Waits for an interrupt through the PIC (raised by an irqfd) and then for an MSI, and reports both. */
#include "testguest.h"

static volatile int seen_irq = -1;
static volatile int seen_vector = -1;

void on_irq(int irq) { seen_irq = irq; }
void on_vector(int vector) { seen_vector = vector; }

int main(void)
{
    pic_init(1 << 5);
    sti();
    outb(0xF2, 1);
    while (seen_irq < 0)
        pause();
    outb(0xF1, (uint8_t)seen_irq);
    outb(0xF2, 2);
    while (seen_vector < 0)
        pause();
    outb(0xF1, (uint8_t)seen_vector);
    outb(0xF0, 0);
    for (;;)
        pause();
}
