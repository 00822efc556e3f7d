/* Receives serial input by interrupt (IRQ 4 through the PIC) rather than by polling. */
#include "testguest.h"

static volatile char buffer[256];
static volatile int head;

void on_irq(int irq)
{
    if (irq != 4)
        return;
    while (inb(COM1 + 5) & 1) {
        char c = (char)inb(COM1);
        if (head < (int)sizeof(buffer))
            buffer[head++] = c;
    }
}

int main(void)
{
    int expected = (int)cmdline_int("bytes", 8);
    outb(COM1 + 1, 0x01);           /* IER: received-data interrupt */
    outb(COM1 + 4, 0x0B);           /* MCR: DTR, RTS, OUT2 gates the IRQ onto the bus */
    pic_init(1 << 4);
    sti();
    puts("ready\n");
    while (head < expected)
        pause();
    cli();
    printf("irq got %d bytes: ", head);
    for (int i = 0; i < head; i++)
        putc(buffer[i]);
    putc('\n');
    return 0;
}
