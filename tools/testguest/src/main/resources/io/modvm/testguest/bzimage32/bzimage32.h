/* The little a tiny 32-bit bzImage guest needs: port I/O, COM1 output, isa-debug-exit, and what the entry saw. */
#ifndef BZIMAGE32_H
#define BZIMAGE32_H

#include <stdint.h>

/* The registers as the loader left them, recorded by head.S before anything changed them. */
extern uint32_t entry_eax, entry_esi, entry_ebx, entry_ebp, entry_edi;
extern uint32_t entry_cs, entry_ds, entry_es, entry_ss, entry_cr0, entry_eflags;

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }

#define COM1 0x3f8

static inline void putc(char c)
{
    for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
        ;
    outb(COM1, (uint8_t)c);
}

static inline void puts(const char *s)
{
    while (*s) {
        if (*s == '\n')
            putc('\r');
        putc(*s++);
    }
}

static inline void put_hex(uint32_t v)
{
    puts("0x");
    int started = 0;
    for (int shift = 28; shift >= 0; shift -= 4) {
        int d = (v >> shift) & 0xf;
        if (d || started || shift == 0) {
            putc("0123456789abcdef"[d]);
            started = 1;
        }
    }
}

/* QEMU's isa-debug-exit at 0x501: the VMM exits with (code << 1) | 1. Without the device, halt. */
static inline void __attribute__((noreturn)) debug_exit(uint8_t code)
{
    outb(0x501, code);
    for (;;)
        __asm__ volatile("cli; hlt");
}

#endif
