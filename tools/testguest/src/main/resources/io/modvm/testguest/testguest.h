/*
 * modvm test guest kit: everything a tiny freestanding x86-64 guest needs.
 *
 * A guest is one C file that includes this header and defines main().
 * crt0.S boots it through the PVH entry, switches to long mode and runs
 * main() at CPL3 with IOPL=3 (so port I/O, cli and sti work there and loops
 * run natively even on a software KVM). Optional hooks:
 *
 *   int  main(void);          CPL3, BSP. Return value goes to debug_exit().
 *   void kmain0(void);        CPL0, BSP, once, before main (keep it short).
 *   void ap_main(int cpu);    CPL3, on each AP started by start_aps().
 *   void on_irq(int irq);     CPL0, PIC IRQ 0..15 (vectors 0x20..0x2F), EOI done by the kit.
 *   void on_vector(int vec);  CPL0, vectors 0x30..0xFF (MSI, LAPIC), LAPIC EOI done by the kit.
 */
#ifndef MODVM_TESTGUEST_H
#define MODVM_TESTGUEST_H

#include <stdint.h>
#include <stddef.h>
#include <stdarg.h>

/* ---- limits and layout constants (mirrored in crt0.S) ---- */
#define KIT_MAX_CPUS        8
#define KIT_TRAMPOLINE_PA   0x8000u     /* AP real-mode entry, SIPI vector 0x08 */
#define KIT_IMAGE_PA        0x100000u   /* kernel image load address */
#define KIT_FREE_PA         0x200000u   /* first byte guests may use freely */
#define KIT_LAPIC_PA        0xFEE00000u
#define KIT_IOAPIC_PA       0xFEC00000u

/* ---- exit codes (debug-exit port 0x501, status becomes (code << 1) | 1) ---- */
#define KIT_EXIT_PORT       0x501
#define KIT_EXIT_EXCEPTION  0x7f        /* unhandled CPU exception: status 255 */

/* ---- entry points provided by the guest ---- */
int main(void);
void kmain0(void) __attribute__((weak));
void ap_main(int cpu) __attribute__((weak));
void on_irq(int irq) __attribute__((weak));
void on_vector(int vector) __attribute__((weak));

/* ---- port I/O (works at CPL3 because the kit runs guests with IOPL=3) ---- */
static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t inw(uint16_t port) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

/* ---- MMIO (all of 0..4 GiB is identity mapped and user accessible) ---- */
static inline uint8_t  mmio_read8 (uint64_t a) { return *(volatile uint8_t  *)(uintptr_t)a; }
static inline uint16_t mmio_read16(uint64_t a) { return *(volatile uint16_t *)(uintptr_t)a; }
static inline uint32_t mmio_read32(uint64_t a) { return *(volatile uint32_t *)(uintptr_t)a; }
static inline uint64_t mmio_read64(uint64_t a) { return *(volatile uint64_t *)(uintptr_t)a; }
static inline void mmio_write8 (uint64_t a, uint8_t  v) { *(volatile uint8_t  *)(uintptr_t)a = v; }
static inline void mmio_write16(uint64_t a, uint16_t v) { *(volatile uint16_t *)(uintptr_t)a = v; }
static inline void mmio_write32(uint64_t a, uint32_t v) { *(volatile uint32_t *)(uintptr_t)a = v; }
static inline void mmio_write64(uint64_t a, uint64_t v) { *(volatile uint64_t *)(uintptr_t)a = v; }

/* ---- CPU helpers ---- */
static inline void pause(void) { __asm__ volatile("pause" ::: "memory"); }
static inline void barrier(void) { __asm__ volatile("" ::: "memory"); }
static inline void mfence(void) { __asm__ volatile("mfence" ::: "memory"); }
static inline uint64_t rdtsc(void) {
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}
/* IOPL=3 makes cli/sti legal at CPL3; interrupts are delivered to the kit's CPL0 handlers. */
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline int cpl(void) { uint16_t cs; __asm__ volatile("mov %%cs, %0" : "=r"(cs)); return cs & 3; }
/* Caution: on a software KVM (PVM) CPUID at CPL3 may run natively and describe the host. */
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d) {
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}
static inline int atomic_add(volatile int *p, int v) {   /* returns the old value */
    __asm__ volatile("lock xaddl %0, %1" : "+r"(v), "+m"(*p) :: "memory");
    return v;
}

/* Local APIC ID (LAPIC MMIO): the CPU number used by start_aps()/ap_main(). */
int cpu_id(void);

/* ---- exit ---- */
/* Writes code to port 0x501 (QEMU isa-debug-exit: status = (code << 1) | 1).
 * If the VMM has no such device the CPU halts with interrupts off. */
void debug_exit(int code) __attribute__((noreturn));
/* Stop this CPU for good (cli; hlt at CPL0, reached from CPL3 through a #GP the kit expects). */
void halt_forever(void) __attribute__((noreturn));

/* ---- COM1 serial, polled ---- */
#define COM1 0x3F8
void serial_init(void);               /* 115200 8N1, FIFOs on; done by crt0 before kmain0 */
void putc(char c);                    /* "\n" is sent as "\r\n" */
void puts(const char *s);             /* no newline appended */
void put_dec(int64_t v);
void put_udec(uint64_t v);
void put_hex(uint64_t v);             /* 0x-prefixed, no leading zeros */
int  getc(void);                      /* blocks until a byte arrives */
int  getc_nonblock(void);             /* -1 if nothing waiting */
/* %d %i %u %x %X %p %s %c %% with l/ll/z length, '0' flag and width.
 * One call prints atomically with respect to other CPUs. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);

/* ---- PVH start info ---- */
#define HVM_START_MAGIC 0x336ec578u
struct hvm_start_info {
    uint32_t magic, version, flags, nr_modules;
    uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
    uint32_t memmap_entries, reserved;
};
struct hvm_memmap_entry {
    uint64_t addr, size;
    uint32_t type, reserved;      /* type 1 = RAM, 2 = reserved, 3 = ACPI, 4 = NVS */
};
#define E820_RAM 1
#define KIT_MAX_MEMMAP 64
#define KIT_MAX_CMDLINE 1024

/* NULL if the VMM passed no valid start info. Valid at CPL0 too. */
const struct hvm_start_info *start_info(void);
/* The command line, copied into the image before main (never NULL, "" if none). */
const char *cmdline(void);
/* Value of "key=NUMBER" (decimal, 0x hex, optional k/m/g suffix), dflt if absent or malformed. */
long cmdline_int(const char *key, long dflt);
/* 1 if the command line has "key" or "key=..." as a word. */
int cmdline_has(const char *key);
/* Copies "key=VALUE" into buf (NUL-terminated); returns length or -1 if absent. */
int cmdline_str(const char *key, char *buf, size_t n);
/* E820-style memory map, copied before main; count in *n. */
const struct hvm_memmap_entry *memmap(int *n);
/* Top of the RAM region containing KIT_FREE_PA, capped at 4 GiB: guests own [KIT_FREE_PA, this). */
uint64_t free_mem_end(void);

/* ---- interrupts ---- */
/* Remaps the 8259 pair to vectors 0x20..0x2F and unmasks the IRQs whose bits are set
 * in irq_mask (bit n = IRQ n; the cascade IRQ2 is unmasked as needed). */
void pic_init(uint16_t irq_mask);
void pic_set_mask(uint16_t irq_mask);
/* PIT channel 0 as a periodic IRQ0 source at about hz. */
void pit_periodic(uint32_t hz);
/* TSC ticks per millisecond, measured once against PIT channel 2 (about 10 ms). */
uint64_t tsc_per_ms(void);
/* Busy-wait using the TSC. */
void delay_us(uint64_t us);
/* LAPIC EOI, for guests that handle vectors themselves. */
void lapic_eoi(void);

/* ---- SMP ---- */
/* Enabled local APICs listed in the ACPI MADT, or 1 without ACPI. */
int cpu_count(void);
/* INIT/SIPI/SIPI to APIC IDs 1..count-1, one after the other; each AP runs ap_main(id)
 * at CPL3 on its own stacks. Callable from main (CPL3) or kmain0 (CPL0).
 * Returns the number of CPUs running afterwards, the BSP included. If the command line
 * has "smp_start" (all MADT CPUs) or "smp_start=N", crt0 calls this before main. */
int start_aps(int count);
/* Number of CPUs currently running (BSP included). */
int cpus_online(void);

/* Simple spinlock usable at CPL0 and CPL3. */
typedef struct { volatile int v; } spinlock_t;
void spin_lock(spinlock_t *l);
void spin_unlock(spinlock_t *l);

/* ---- string/memory (freestanding replacements; gcc may emit calls to the mem* ones) ---- */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
long strtol(const char *s, const char **end, int base);

#endif
