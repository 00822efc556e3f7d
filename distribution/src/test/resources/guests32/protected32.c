/*
 * A tiny i386 bzImage: checks that the loader entered it through the Linux 32-bit boot protocol, then prints what
 * it found and leaves through isa-debug-exit: 0x32 when every check passed, 0x7e when one failed (named on COM1).
 *
 * The protocol: 32-bit protected mode with paging off; CS = __BOOT_CS (0x10), DS = ES = SS = __BOOT_DS (0x18), flat;
 * interrupts off; ESI = boot_params (the zero page, holding the setup header and the command line); EBP, EDI and
 * EBX zero; the entry at code32_start, where the protected-mode kernel was loaded.
 */
#include "bzimage32.h"

#define CR0_PE 0x1u
#define CR0_PG 0x80000000u
#define EFLAGS_IF 0x200u

static int failures;

static void check(int ok, const char *what, uint32_t value)
{
    if (!ok) {
        puts("bzimage32: FAILED: ");
        puts(what);
        puts(" = ");
        put_hex(value);
        puts("\n");
        failures++;
    }
}

/* A flat data segment reaches any address: read a word above 1 MiB through it, and through CS:EIP we got here. */
extern char _start32[];

void __attribute__((noreturn)) main32(const uint8_t *bp)
{
    check((entry_cr0 & CR0_PE) != 0, "CR0.PE", entry_cr0);
    check((entry_cr0 & CR0_PG) == 0, "CR0.PG", entry_cr0);
    check(entry_cs == 0x10, "CS", entry_cs);
    check(entry_ds == 0x18, "DS", entry_ds);
    check(entry_es == 0x18, "ES", entry_es);
    check(entry_ss == 0x18, "SS", entry_ss);
    check((entry_eflags & EFLAGS_IF) == 0, "EFLAGS.IF", entry_eflags);
    check(entry_ebx == 0, "EBX", entry_ebx);
    check(entry_ebp == 0, "EBP", entry_ebp);
    check(entry_edi == 0, "EDI", entry_edi);
    check((uint32_t)_start32 == 0x100000, "entry", (uint32_t)_start32);
    const uint32_t *hdrs = (const uint32_t *)(bp + 0x202);
    check(*hdrs == 0x53726448, "boot_params HdrS", *hdrs);
    uint32_t code32 = *(const uint32_t *)(bp + 0x214);
    check(code32 == 0x100000, "boot_params code32_start", code32);
    const char *cmdline = (const char *)*(const uint32_t *)(bp + 0x228);
    check(cmdline != 0, "boot_params cmd_line_ptr", (uint32_t)cmdline);

    puts("bzimage32: running in 32-bit protected mode, paging off, cs=");
    put_hex(entry_cs);
    puts(" ds=");
    put_hex(entry_ds);
    puts(", esi=");
    put_hex(entry_esi);
    puts(" points at boot_params, command line '");
    if (cmdline)
        puts(cmdline);
    puts("'\n");
    if (failures) {
        puts("bzimage32: checks failed\n");
        debug_exit(0x7e);
    }
    puts("bzimage32: all checks passed\n");
    debug_exit(0x32);
}
