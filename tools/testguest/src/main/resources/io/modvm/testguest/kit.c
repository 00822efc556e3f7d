/*
 * modvm test guest kit: runtime (CPU setup, traps, serial, command line,
 * PIC/PIT, SMP bring-up, small libc).
 *
 * Functions marked "CPL0" run emulated on a software KVM, so they do as
 * little as possible; everything else normally runs at CPL3, natively.
 */
#include "testguest.h"

#define KSTACK_SIZE 16384
#define USTACK_SIZE 65536
#define ISTACK_SIZE 4096
#define SEL_KCODE   0x08
#define SEL_TSS0    0x30

/* Defined in crt0.S / link.ld. */
extern char kit_kstacks[], kit_istacks[], kit_ustacks[];
extern char kit_isr_stubs[];
extern char kit_user_park[];
extern const char kit_trampoline_copy[], kit_trampoline_copy_end[];
extern uint64_t kit_gdt_tss[];
extern uint64_t kit_start_info_pa;
extern volatile uint64_t kit_ap_boot_rsp;
extern volatile uint32_t kit_ap_boot_cpu;

struct kit_tss {
    uint32_t reserved0;
    uint64_t rsp0, rsp1, rsp2, reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3, iomap_base;
} __attribute__((packed));

struct kit_gate {
    uint16_t off0, sel;
    uint8_t ist, type;
    uint16_t off1;
    uint32_t off2, zero;
};

/* Must match the push order of kit_isr_common in crt0.S. */
struct kit_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error, rip, cs, rflags, rsp, ss;
};

static struct kit_tss kit_tss[KIT_MAX_CPUS] __attribute__((aligned(128)));
static struct kit_gate kit_idt[256] __attribute__((aligned(4096)));

static char kit_cmdline_buf[KIT_MAX_CMDLINE];
static struct hvm_memmap_entry kit_memmap_buf[KIT_MAX_MEMMAP];
static int kit_memmap_count;
static volatile int kit_boot_data_copied;

static volatile int kit_online = 1;
static volatile int kit_ap_ack;
static volatile uint32_t kit_online_mask = 1;
static spinlock_t kit_print_lock;
static volatile int kit_exception_cpu = -1;
static uint64_t kit_tsc_per_ms;
static volatile uint32_t kit_vector_counts[256];
static spinlock_t kit_alloc_lock;
static uint64_t kit_alloc_next = KIT_FREE_PA;

/* ------------------------------------------------------------------ */
/* CPU setup (CPL0)                                                    */

static void kit_cpu_init(int cpu)
{
    if (cpu == 0) {
        /* Stubs are 16 bytes apart (crt0.S); every vector gets a gate so a stray
         * interrupt is reported instead of turning into a triple fault. */
        uint64_t a = (uint64_t)(uintptr_t)kit_isr_stubs;
        for (int v = 0; v < 256; v++, a += 16) {
            struct kit_gate *g = &kit_idt[v];
            g->off0 = (uint16_t)a;
            g->sel = SEL_KCODE;
            g->ist = (v == 8) ? 1 : 0;   /* #DF on its own stack: reports kernel stack overflows */
            g->type = 0x8E;              /* present, DPL0, 64-bit interrupt gate (IF cleared) */
            g->off1 = (uint16_t)(a >> 16);
            g->off2 = (uint32_t)(a >> 32);
        }
    }

    struct kit_tss *t = &kit_tss[cpu];
    t->rsp0 = (uint64_t)(uintptr_t)(kit_kstacks + (cpu + 1) * KSTACK_SIZE);
    t->ist[0] = (uint64_t)(uintptr_t)(kit_istacks + (cpu + 1) * ISTACK_SIZE);
    /* Bitmap offset past the limit: no I/O bitmap, IOPL=3 alone grants port access. */
    t->iomap_base = sizeof(struct kit_tss);

    uint64_t base = (uint64_t)(uintptr_t)t, limit = sizeof(struct kit_tss) - 1;
    kit_gdt_tss[cpu * 2] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89ULL << 40)
                         | (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
    kit_gdt_tss[cpu * 2 + 1] = base >> 32;

    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) idtr =
        { sizeof(kit_idt) - 1, (uint64_t)(uintptr_t)kit_idt };
    __asm__ volatile("lidt %0" :: "m"(idtr));
    __asm__ volatile("ltr %w0" :: "r"((uint16_t)(SEL_TSS0 + 16 * cpu)));
}

static uint64_t kit_user_stack_top(int cpu)
{
    /* -8: entered by iretq, not call, so fake the return-address slot for ABI alignment. */
    return (uint64_t)(uintptr_t)(kit_ustacks + (cpu + 1) * USTACK_SIZE) - 8;
}

/* CPL0, BSP: called by crt0 once long mode is on; returns the user stack pointer. */
uint64_t kit_boot0(int cpu)
{
    kit_cpu_init(cpu);
    serial_init();
    if (kmain0)
        kmain0();
    return kit_user_stack_top(cpu);
}

/* CPL0, AP. */
uint64_t kit_ap_boot0(int cpu)
{
    kit_cpu_init(cpu);
    return kit_user_stack_top(cpu);
}

/* ------------------------------------------------------------------ */
/* Traps (CPL0)                                                        */

static const char *const kit_exc_names[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow", "#BR bound",
    "#UD invalid opcode", "#NM device not available", "#DF double fault", "coprocessor overrun",
    "#TS invalid TSS", "#NP segment not present", "#SS stack fault", "#GP general protection",
    "#PF page fault", "reserved", "#MF x87", "#AC alignment", "#MC machine check", "#XM SIMD",
    "#VE virtualization", "#CP control protection", "reserved", "reserved", "reserved",
    "reserved", "reserved", "reserved", "#HV", "#VC", "#SX", "reserved",
};

static void kit_cpl0_halt(void) __attribute__((noreturn));
static void kit_cpl0_halt(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

static void kit_print_nolock(const char *fmt, ...);

static void kit_exception(struct kit_frame *f) __attribute__((noreturn));
static void kit_exception(struct kit_frame *f)
{
    int me = cpu_id();
    int prev = __sync_val_compare_and_swap(&kit_exception_cpu, -1, me);
    if (prev == me)
        debug_exit(KIT_EXIT_EXCEPTION);      /* faulted while reporting: just leave */
    if (prev != -1)
        kit_cpl0_halt();                     /* another CPU is reporting and will exit */

    /* Wait a little for a line another CPU is printing, but never for good: the holder
     * may be the CPU that faulted, or halted. */
    for (int i = 0; i < 2000 && __sync_lock_test_and_set(&kit_print_lock.v, 1); i++)
        pause();

    uint64_t cr2;
    __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
    kit_print_nolock("\n*** EXCEPTION vector=%lu (%s) error=0x%lx rip=0x%lx cs=0x%lx cpl=%lu cpu=%d\n",
                     f->vector, kit_exc_names[f->vector & 31], f->error, f->rip, f->cs, f->cs & 3, me);
    kit_print_nolock("*** rsp=0x%lx rflags=0x%lx cr2=0x%lx\n", f->rsp, f->rflags, cr2);
    kit_print_nolock("*** rax=0x%lx rbx=0x%lx rcx=0x%lx rdx=0x%lx rsi=0x%lx rdi=0x%lx rbp=0x%lx\n",
                     f->rax, f->rbx, f->rcx, f->rdx, f->rsi, f->rdi, f->rbp);
    kit_print_nolock("*** r8=0x%lx r9=0x%lx r10=0x%lx r11=0x%lx r12=0x%lx r13=0x%lx r14=0x%lx r15=0x%lx\n",
                     f->r8, f->r9, f->r10, f->r11, f->r12, f->r13, f->r14, f->r15);
    kit_print_nolock("*** exiting with code %d\n", KIT_EXIT_EXCEPTION);
    debug_exit(KIT_EXIT_EXCEPTION);
}

static int kit_pic_in_service(uint16_t cmd_port, int bit)
{
    outb(cmd_port, 0x0B);                    /* OCW3: next read returns the ISR */
    return (inb(cmd_port) >> bit) & 1;
}

/* CPL0: common C handler for all 256 vectors. */
void kit_trap(struct kit_frame *f)
{
    uint64_t v = f->vector;
    if (v < 32) {
        /* halt_forever() at CPL3 executes hlt at kit_user_park on purpose. */
        if (v == 13 && f->rip == (uint64_t)(uintptr_t)kit_user_park)
            kit_cpl0_halt();
        kit_exception(f);
    }
    if (v < 0x30) {
        int irq = (int)v - 0x20;
        /* IRQ7/15 also arrive spuriously; those are not in service and must not be EOIed
         * (except the cascade on the master for a spurious slave IRQ). */
        if (irq == 7 && !kit_pic_in_service(0x20, 7))
            return;
        if (irq == 15 && !kit_pic_in_service(0xA0, 7)) {
            outb(0x20, 0x20);
            return;
        }
        if (on_irq)
            on_irq(irq);
        if (irq >= 8)
            outb(0xA0, 0x20);
        outb(0x20, 0x20);
        return;
    }
    kit_vector_counts[v]++;
    if (on_vector)
        on_vector((int)v);
    if (v != 0xFF)                           /* 0xFF is the LAPIC spurious vector: no EOI */
        lapic_eoi();
}

/* ------------------------------------------------------------------ */
/* Exit and CPU identity                                               */

void halt_forever(void)
{
    if (cpl() == 0)
        kit_cpl0_halt();
    ((void (*)(void))(uintptr_t)kit_user_park)();
    __builtin_unreachable();
}

void debug_exit(int code)
{
    outb(KIT_EXIT_PORT, (uint8_t)code);
    halt_forever();
}

int cpu_id(void)
{
    /* Not CPUID: a software KVM runs CPL3 natively and CPUID there may report the host's APIC ID. */
    return (int)(mmio_read32(KIT_LAPIC_PA + 0x20) >> 24);
}

void lapic_eoi(void)
{
    mmio_write32(KIT_LAPIC_PA + 0xB0, 0);
}

void lapic_enable(void)
{
    uint32_t svr = mmio_read32(KIT_LAPIC_PA + 0xF0);
    if (!(svr & 0x100))
        mmio_write32(KIT_LAPIC_PA + 0xF0, svr | 0x1FF);
}

uint32_t vector_count(int vector)
{
    return kit_vector_counts[vector & 0xFF];
}

/* ------------------------------------------------------------------ */
/* Serial                                                              */

void serial_init(void)
{
    outb(COM1 + 1, 0x00);   /* no UART interrupts: everything is polled */
    outb(COM1 + 3, 0x80);   /* DLAB */
    outb(COM1 + 0, 0x01);   /* 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);   /* 8N1 */
    outb(COM1 + 2, 0x07);   /* FIFOs on and cleared */
    outb(COM1 + 4, 0x03);   /* DTR, RTS */
}

static void kit_serial_raw(char c)
{
    /* Bounded so a VMM without a UART (LSR reads as 0) cannot hang the guest. */
    for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
        pause();
    outb(COM1, (uint8_t)c);
}

static void kit_serial_putc(char c)
{
    if (c == '\n')
        kit_serial_raw('\r');
    kit_serial_raw(c);
}

void putc(char c)
{
    spin_lock(&kit_print_lock);
    kit_serial_putc(c);
    spin_unlock(&kit_print_lock);
}

void puts(const char *s)
{
    spin_lock(&kit_print_lock);
    while (*s)
        kit_serial_putc(*s++);
    spin_unlock(&kit_print_lock);
}

int getc_nonblock(void)
{
    if (inb(COM1 + 5) & 0x01)
        return inb(COM1);
    return -1;
}

int getc(void)
{
    int c;
    while ((c = getc_nonblock()) < 0)
        pause();
    return c;
}

/* ------------------------------------------------------------------ */
/* Formatting                                                          */

struct kit_sink {
    void (*emit)(struct kit_sink *, char);
    char *buf;
    size_t len, cap;
};

static void kit_emit_serial(struct kit_sink *s, char c) { kit_serial_putc(c); s->len++; }

static void kit_emit_buf(struct kit_sink *s, char c)
{
    if (s->len + 1 < s->cap)
        s->buf[s->len] = c;
    s->len++;
}

static void kit_format(struct kit_sink *s, const char *fmt, va_list ap)
{
    static const char digits_lc[] = "0123456789abcdef";
    static const char digits_uc[] = "0123456789ABCDEF";
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            s->emit(s, *fmt);
            continue;
        }
        fmt++;
        int zero = 0, left = 0, width = 0, lng = 0;
        for (;; fmt++) {
            if (*fmt == '0') zero = 1;
            else if (*fmt == '-') left = 1;
            else break;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l' || *fmt == 'z') {
            lng++;
            fmt++;
        }
        char tmp[24];
        const char *str = tmp;
        int n = 0, neg = 0;
        uint64_t u;
        switch (*fmt) {
        case 'd': case 'i': {
            int64_t x = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            neg = x < 0;
            u = neg ? -(uint64_t)x : (uint64_t)x;
            goto dec;
        }
        case 'u':
            u = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
        dec:
            do { tmp[sizeof tmp - 1 - n++] = (char)('0' + u % 10); u /= 10; } while (u);
            str = tmp + sizeof tmp - n;
            break;
        case 'p':
            u = (uint64_t)(uintptr_t)va_arg(ap, void *);
            s->emit(s, '0');
            s->emit(s, 'x');
            goto hex;
        case 'x': case 'X':
            u = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
        hex: {
            const char *dg = *fmt == 'X' ? digits_uc : digits_lc;
            do { tmp[sizeof tmp - 1 - n++] = dg[u & 15]; u >>= 4; } while (u);
            str = tmp + sizeof tmp - n;
            break;
        }
        case 's':
            str = va_arg(ap, const char *);
            if (!str)
                str = "(null)";
            n = (int)strlen(str);
            break;
        case 'c':
            tmp[0] = (char)va_arg(ap, int);
            n = 1;
            break;
        case '%':
            tmp[0] = '%';
            n = 1;
            break;
        case 0:
            return;
        default:
            tmp[0] = '%';
            tmp[1] = *fmt;
            n = 2;
            break;
        }
        int pad = width - n - neg;
        if (!left && !zero)
            for (; pad > 0; pad--) s->emit(s, ' ');
        if (neg)
            s->emit(s, '-');
        if (!left && zero)
            for (; pad > 0; pad--) s->emit(s, '0');
        for (int i = 0; i < n; i++)
            s->emit(s, str[i]);
        for (; left && pad > 0; pad--)
            s->emit(s, ' ');
    }
}

int vprintf(const char *fmt, va_list ap)
{
    struct kit_sink s = { kit_emit_serial, 0, 0, 0 };
    spin_lock(&kit_print_lock);
    kit_format(&s, fmt, ap);
    spin_unlock(&kit_print_lock);
    return (int)s.len;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vprintf(fmt, ap);
    va_end(ap);
    return r;
}

/* The exception path must not wait for a lock another CPU may hold forever. */
static void kit_print_nolock(const char *fmt, ...)
{
    struct kit_sink s = { kit_emit_serial, 0, 0, 0 };
    va_list ap;
    va_start(ap, fmt);
    kit_format(&s, fmt, ap);
    va_end(ap);
}

int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
    struct kit_sink s = { kit_emit_buf, buf, 0, n };
    kit_format(&s, fmt, ap);
    if (n)
        buf[s.len < n ? s.len : n - 1] = 0;
    return (int)s.len;
}

int snprintf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

void put_dec(int64_t v) { printf("%ld", (long)v); }
void put_udec(uint64_t v) { printf("%lu", (unsigned long)v); }
void put_hex(uint64_t v) { printf("0x%lx", (unsigned long)v); }

/* ------------------------------------------------------------------ */
/* Start info, command line, memory map                                */

const struct hvm_start_info *start_info(void)
{
    const struct hvm_start_info *si = (const struct hvm_start_info *)(uintptr_t)kit_start_info_pa;
    if (!si || si->magic != HVM_START_MAGIC)
        return 0;
    return si;
}

/* Copies the VMM's data into the image so guests may overwrite any free RAM. */
static void kit_copy_boot_data(void)
{
    if (kit_boot_data_copied)
        return;
    const struct hvm_start_info *si = start_info();
    if (si && si->cmdline_paddr) {
        const char *c = (const char *)(uintptr_t)si->cmdline_paddr;
        size_t i = 0;
        for (; i < KIT_MAX_CMDLINE - 1 && c[i]; i++)
            kit_cmdline_buf[i] = c[i];
        kit_cmdline_buf[i] = 0;
    }
    if (si && si->version >= 1 && si->memmap_paddr) {
        const struct hvm_memmap_entry *m = (const struct hvm_memmap_entry *)(uintptr_t)si->memmap_paddr;
        int n = (int)si->memmap_entries;
        if (n > KIT_MAX_MEMMAP)
            n = KIT_MAX_MEMMAP;
        for (int i = 0; i < n; i++)
            kit_memmap_buf[i] = m[i];
        kit_memmap_count = n;
    }
    kit_boot_data_copied = 1;
}

const char *cmdline(void)
{
    kit_copy_boot_data();
    return kit_cmdline_buf;
}

const struct hvm_memmap_entry *memmap(int *n)
{
    kit_copy_boot_data();
    if (n)
        *n = kit_memmap_count;
    return kit_memmap_buf;
}

uint64_t free_mem_end(void)
{
    int n;
    const struct hvm_memmap_entry *m = memmap(&n);
    for (int i = 0; i < n; i++) {
        if (m[i].type != E820_RAM || m[i].addr > KIT_FREE_PA || m[i].addr + m[i].size <= KIT_FREE_PA)
            continue;
        uint64_t end = m[i].addr + m[i].size;
        return end > 0x100000000ULL ? 0x100000000ULL : end;
    }
    return KIT_FREE_PA;
}

void *phys_alloc(size_t size, size_t align)
{
    if (!align)
        align = 16;
    spin_lock(&kit_alloc_lock);
    uint64_t a = (kit_alloc_next + align - 1) & ~(uint64_t)(align - 1);
    void *p = 0;
    if (a + size <= free_mem_end() && a + size >= a) {
        kit_alloc_next = a + size;
        p = (void *)(uintptr_t)a;
    }
    spin_unlock(&kit_alloc_lock);
    if (p)
        memset(p, 0, size);
    return p;
}

/* Finds "key" as a whole word (followed by '=', space or end); returns a pointer after the key. */
static const char *kit_cmdline_find(const char *key)
{
    const char *c = cmdline();
    size_t kl = strlen(key);
    while (*c) {
        while (*c == ' ')
            c++;
        if (!strncmp(c, key, kl) && (c[kl] == '=' || c[kl] == ' ' || c[kl] == 0))
            return c + kl;
        while (*c && *c != ' ')
            c++;
    }
    return 0;
}

int cmdline_has(const char *key)
{
    return kit_cmdline_find(key) != 0;
}

int cmdline_str(const char *key, char *buf, size_t n)
{
    const char *p = kit_cmdline_find(key);
    if (!p || *p != '=')
        return -1;
    p++;
    size_t len = 0;
    while (p[len] && p[len] != ' ')
        len++;
    if (n) {
        size_t k = len < n - 1 ? len : n - 1;
        memcpy(buf, p, k);
        buf[k] = 0;
    }
    return (int)len;
}

long cmdline_int(const char *key, long dflt)
{
    const char *p = kit_cmdline_find(key);
    if (!p || *p != '=')
        return dflt;
    const char *end;
    long v = strtol(p + 1, &end, 0);
    if (end == p + 1)
        return dflt;
    switch (*end) {
    case 'k': case 'K': v <<= 10; end++; break;
    case 'm': case 'M': v <<= 20; end++; break;
    case 'g': case 'G': v <<= 30; end++; break;
    }
    if (*end && *end != ' ')
        return dflt;
    return v;
}

/* ------------------------------------------------------------------ */
/* PIC, PIT, TSC                                                       */

void pic_set_mask(uint16_t irq_mask)
{
    if (irq_mask & 0xFF00)
        irq_mask |= 1 << 2;
    outb(0x21, (uint8_t)~irq_mask);
    outb(0xA1, (uint8_t)~(irq_mask >> 8));
}

void pic_init(uint16_t irq_mask)
{
    outb(0x20, 0x11);       /* ICW1: edge, cascade, ICW4 follows */
    outb(0xA0, 0x11);
    outb(0x21, 0x20);       /* ICW2: vector bases clear of the CPU exceptions */
    outb(0xA1, 0x28);
    outb(0x21, 0x04);       /* ICW3: slave on IRQ2 */
    outb(0xA1, 0x02);
    outb(0x21, 0x01);       /* ICW4: 8086 mode, normal EOI */
    outb(0xA1, 0x01);
    pic_set_mask(irq_mask);
    /* The 8259 reaches the CPU through LAPIC LINT0 as ExtINT. A BIOS sets that up;
     * without one (PVH boot straight into the guest) the LAPIC is in its reset state
     * and would keep PIC interrupts out. */
    lapic_enable();
    mmio_write32(KIT_LAPIC_PA + 0x350, 0x700);      /* LVT LINT0: ExtINT, unmasked */
}

#define PIT_HZ 1193182u

void pit_periodic(uint32_t hz)
{
    uint32_t div = hz ? PIT_HZ / hz : 0;
    if (div > 0xFFFF || div == 0)
        div = 0;            /* 0 means 65536: the slowest rate */
    outb(0x43, 0x34);       /* channel 0, lobyte/hibyte, mode 2 (rate generator) */
    outb(0x40, (uint8_t)div);
    outb(0x40, (uint8_t)(div >> 8));
}

static uint16_t kit_pit2_read(uint64_t *tsc)
{
    uint64_t a = rdtsc();
    outb(0x43, 0x80);       /* latch channel 2 */
    uint64_t b = rdtsc();
    *tsc = a + (b - a) / 2; /* the latch happened somewhere in between */
    uint8_t lo = inb(0x42);
    uint8_t hi = inb(0x42);
    return (uint16_t)(lo | hi << 8);
}

uint64_t tsc_per_ms(void)
{
    if (kit_tsc_per_ms)
        return kit_tsc_per_ms;
    /* PIT channel 2 counting down from 0xFFFF (55 ms), read back by latching rather than
     * through port 0x61's OUT2 bit, which machines without a PC speaker port lack.
     * Port accesses may cost ~100 us each on a software KVM, so the window is 40 ms
     * to keep the error near 0.5%. Channel 0 is left alone for pit_periodic(). */
    const uint32_t window = PIT_HZ / 25;
    uint8_t p61 = inb(0x61);
    outb(0x61, (uint8_t)((p61 & ~0x02) | 0x01));   /* gate on, speaker off */
    outb(0x43, 0xB0);       /* channel 2, lobyte/hibyte, mode 0 */
    outb(0x42, 0xFF);
    outb(0x42, 0xFF);
    uint64_t t0, t1;
    uint16_t c0 = kit_pit2_read(&t0), c1 = c0;
    /* Bounded so a VMM without a PIT cannot hang us (a few seconds at most). */
    for (int i = 0; i < 100000 && (uint16_t)(c0 - c1) < window; i++)
        c1 = kit_pit2_read(&t1);
    outb(0x61, p61);
    uint32_t elapsed = (uint16_t)(c0 - c1);
    uint64_t per_ms = elapsed >= window ? (t1 - t0) * PIT_HZ / 1000 / elapsed : 0;
    if (!per_ms)
        per_ms = 1000000;   /* no PIT: assume 1 GHz rather than divide by zero */
    kit_tsc_per_ms = per_ms;
    return per_ms;
}

void delay_us(uint64_t us)
{
    uint64_t end = rdtsc() + us * tsc_per_ms() / 1000;
    while (rdtsc() < end)
        pause();
}

/* ------------------------------------------------------------------ */
/* SMP                                                                 */

void spin_lock(spinlock_t *l)
{
    while (__sync_lock_test_and_set(&l->v, 1))
        while (l->v)
            pause();
}

void spin_unlock(spinlock_t *l)
{
    __sync_lock_release(&l->v);
}

int cpus_online(void)
{
    return kit_online;
}

static const void *kit_find_acpi_table(const char sig[4])
{
    const struct hvm_start_info *si = start_info();
    const uint8_t *rsdp = si ? (const uint8_t *)(uintptr_t)si->rsdp_paddr : 0;
    if (!rsdp) {
        /* Without a pointer from the VMM, look where a PC BIOS puts it. */
        for (uintptr_t p = 0xE0000; p < 0x100000; p += 16)
            if (!memcmp((const void *)p, "RSD PTR ", 8)) {
                rsdp = (const uint8_t *)p;
                break;
            }
    }
    if (!rsdp || memcmp(rsdp, "RSD PTR ", 8))
        return 0;
    uint64_t xsdt = rsdp[15] >= 2 ? *(const uint64_t *)(rsdp + 24) : 0;
    uint64_t root = xsdt ? xsdt : *(const uint32_t *)(rsdp + 16);
    int esz = xsdt ? 8 : 4;
    if (!root || root >= 0x100000000ULL)
        return 0;
    const uint8_t *r = (const uint8_t *)(uintptr_t)root;
    uint32_t len = *(const uint32_t *)(r + 4);
    for (uint32_t off = 36; off + esz <= len; off += esz) {
        uint64_t t = esz == 8 ? *(const uint64_t *)(r + off) : *(const uint32_t *)(r + off);
        if (t && t < 0x100000000ULL && !memcmp((const void *)(uintptr_t)t, sig, 4))
            return (const void *)(uintptr_t)t;
    }
    return 0;
}

int cpu_count(void)
{
    const uint8_t *madt = kit_find_acpi_table("APIC");
    if (!madt)
        return 1;
    uint32_t len = *(const uint32_t *)(madt + 4);
    int n = 0;
    for (uint32_t off = 44; off + 2 <= len && madt[off + 1] >= 2; off += madt[off + 1]) {
        if (madt[off] == 0 && (*(const uint32_t *)(madt + off + 4) & 1))        /* local APIC */
            n++;
        else if (madt[off] == 9 && (*(const uint32_t *)(madt + off + 8) & 1))   /* local x2APIC */
            n++;
    }
    return n ? n : 1;
}

static void kit_lapic_icr(uint32_t dest, uint32_t low)
{
    mmio_write32(KIT_LAPIC_PA + 0x310, dest << 24);
    mmio_write32(KIT_LAPIC_PA + 0x300, low);
    for (int i = 0; i < 1000000 && (mmio_read32(KIT_LAPIC_PA + 0x300) & (1 << 12)); i++)
        pause();
}

static int kit_wait_ack(int cpu, uint64_t ticks)
{
    uint64_t t0 = rdtsc();
    while (kit_ap_ack != cpu)
        if (rdtsc() - t0 > ticks)
            return 0;
        else
            pause();
    return 1;
}

/* CPL3 (entered by iretq from crt0): first C code an AP runs in user mode. */
void kit_ap_user_start(int cpu)
{
    atomic_add(&kit_online, 1);
    __sync_fetch_and_or(&kit_online_mask, 1u << cpu);
    kit_ap_ack = cpu;
    if (ap_main)
        ap_main(cpu);
    halt_forever();
}

int start_aps(int count)
{
    if (count > KIT_MAX_CPUS)
        count = KIT_MAX_CPUS;
    uint64_t ms = tsc_per_ms();
    /* All memory is user-accessible, so this works at CPL3 as well. */
    size_t tlen = (size_t)(kit_trampoline_copy_end - kit_trampoline_copy);
    void *tramp = (void *)(uintptr_t)KIT_TRAMPOLINE_PA;
    if (memcmp(tramp, kit_trampoline_copy, tlen)) {
        printf("kit: AP trampoline at 0x%x was not as loaded from the ELF (overwritten by firmware?); restored\n",
               KIT_TRAMPOLINE_PA);
        memcpy(tramp, kit_trampoline_copy, tlen);
    }
    /* A software-disabled LAPIC (its reset state without a BIOS) may refuse to send IPIs. */
    lapic_enable();

    for (int cpu = 1; cpu < count; cpu++) {
        if (kit_online_mask & (1u << cpu))
            continue;
        kit_ap_ack = -1;
        kit_ap_boot_cpu = (uint32_t)cpu;
        kit_ap_boot_rsp = (uint64_t)(uintptr_t)(kit_kstacks + (cpu + 1) * KSTACK_SIZE);
        barrier();
        /* No 10 ms INIT-SIPI delay: that is for real hardware, and KVM queues INIT and SIPI in order. */
        kit_lapic_icr((uint32_t)cpu, 0x4500);            /* INIT, level assert */
        kit_lapic_icr((uint32_t)cpu, 0x4600 | (KIT_TRAMPOLINE_PA >> 12));   /* STARTUP */
        /* The second SIPI is only for CPUs that missed the first; KVM ignores it once running. */
        if (!kit_wait_ack(cpu, ms)) {
            kit_lapic_icr((uint32_t)cpu, 0x4600 | (KIT_TRAMPOLINE_PA >> 12));
            if (!kit_wait_ack(cpu, 30000 * ms))     /* its vCPU thread may wait for the host */
                printf("start_aps: cpu %d did not start\n", cpu);
        }
    }
    return kit_online;
}

/* CPL3: first C code of the BSP in user mode. */
void kit_user_start(void) __attribute__((noreturn));
void kit_user_start(void)
{
    kit_copy_boot_data();
    if (cmdline_has("smp_start")) {
        long n = cmdline_int("smp_start", 0);
        start_aps(n > 0 ? (int)n : cpu_count());
    }
    debug_exit(main());
}

/* ------------------------------------------------------------------ */
/* Small libc. -fno-tree-loop-distribute-patterns (gcc.flags) keeps gcc  */
/* from turning these loops back into calls to themselves.             */

void *memset(void *d, int c, size_t n)
{
    uint8_t *p = d;
    while (n--)
        *p++ = (uint8_t)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    uint8_t *p = d;
    const uint8_t *q = s;
    while (n--)
        *p++ = *q++;
    return d;
}

void *memmove(void *d, const void *s, size_t n)
{
    uint8_t *p = d;
    const uint8_t *q = s;
    if (p < q || p >= q + n)
        return memcpy(d, s, n);
    while (n--)
        p[n] = q[n];
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *p = a, *q = b;
    for (; n; n--, p++, q++)
        if (*p != *q)
            return *p - *q;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (uint8_t)*a - (uint8_t)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (uint8_t)*a - (uint8_t)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return 0;
    }
}

long strtol(const char *s, const char **end, int base)
{
    while (*s == ' ')
        s++;
    int neg = 0;
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    if ((base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')
        && ((s[2] >= '0' && s[2] <= '9') || ((s[2] | 32) >= 'a' && (s[2] | 32) <= 'f'))) {
        s += 2;
        base = 16;
    } else if (base == 0) {
        base = 10;
    }
    const char *start = s;
    unsigned long v = 0;
    for (;; s++) {
        int d;
        if (*s >= '0' && *s <= '9') d = *s - '0';
        else if ((*s | 32) >= 'a' && (*s | 32) <= 'z') d = (*s | 32) - 'a' + 10;
        else break;
        if (d >= base)
            break;
        v = v * (unsigned long)base + (unsigned long)d;
    }
    if (end)
        *end = s == start ? start : s;
    return neg ? -(long)v : (long)v;
}
