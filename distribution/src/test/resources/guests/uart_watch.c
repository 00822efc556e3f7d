/* Keeps COM1 in a state of its own and checks, round after round, that the UART still holds it: a scratch
 * register value that changes each round, the divisor latch, the line and modem control and the interrupt enable
 * register, and the CMOS byte 0x40 it wrote to the RTC's RAM. It prints "uart: watching" once it has set them, then
 * every 10 rounds (10 ms each) "uart: round N ok" or, for a register that changed under it, "uart: lost SCR=XX LCR=XX MCR=XX
 * IER=XX DL=XXXX CMOS=XX" (once). A device unplugged and created afresh reads back its power-on values; one
 * carried across an update of its bundle reads back what the guest left. Runs until the VMM ends it. */
#include "testguest.h"

static uint8_t cmos_read(uint8_t index)
{
    outb(0x70, index);
    return inb(0x71);
}

static uint16_t divisor(void)
{
    uint8_t lcr = inb(COM1 + 3);
    outb(COM1 + 3, lcr | 0x80);
    uint16_t dl = (uint16_t)(inb(COM1) | inb(COM1 + 1) << 8);
    outb(COM1 + 3, lcr);
    return dl;
}

int main(void)
{
    uint8_t lcr = 0x1b;                     /* 8 bits, even parity, as no power-on state has it */
    uint8_t mcr = 0x03;                     /* DTR, RTS; OUT2 off, so no interrupt reaches the PIC */
    uint8_t ier = 0x0c;
    outb(COM1 + 3, 0x80);
    outb(COM1, 0x03);                       /* 38400 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, lcr);
    outb(COM1 + 4, mcr);
    outb(COM1 + 1, ier);
    outb(0x70, 0x40);
    outb(0x71, 0xa7);
    uint16_t dl = divisor();
    int lost = 0;
    puts("uart: watching\n");
    for (unsigned long round = 1;; round++) {
        uint8_t scr = (uint8_t)(round * 37 + 1);
        outb(COM1 + 7, scr);
        delay_us(10000);
        uint8_t now_scr = inb(COM1 + 7), now_lcr = inb(COM1 + 3), now_mcr = inb(COM1 + 4);
        uint8_t now_ier = inb(COM1 + 1), now_cmos = cmos_read(0x40);
        uint16_t now_dl = divisor();
        if (now_scr != scr || now_lcr != lcr || now_mcr != mcr || now_ier != ier || now_dl != dl
                || now_cmos != 0xa7) {
            if (!lost)
                printf("uart: lost SCR=%02x LCR=%02x MCR=%02x IER=%02x DL=%04x CMOS=%02x\n", now_scr, now_lcr,
                        now_mcr, now_ier, now_dl, now_cmos);
            lost = 1;
            continue;
        }
        if (round % 10 == 0)
            printf("uart: round %lu ok\n", round);
    }
}
