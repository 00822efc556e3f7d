/* Prints a greeting, the command line and the memory map; exits with count=N. */
#include "testguest.h"

static volatile int kmain0_ran;

void kmain0(void)
{
    kmain0_ran = cpl() == 0;
}

int main(void)
{
    printf("hello from cpu %d at cpl%d (kmain0 at cpl0: %s)\n", cpu_id(), cpl(), kmain0_ran ? "yes" : "no");
    printf("cmdline: '%s'\n", cmdline());
    int n;
    const struct hvm_memmap_entry *m = memmap(&n);
    for (int i = 0; i < n; i++)
        printf("memmap[%d]: 0x%09lx-0x%09lx type %u\n", i, m[i].addr, m[i].addr + m[i].size - 1, m[i].type);
    printf("free RAM for the guest: 0x%x-0x%lx\n", KIT_FREE_PA, free_mem_end());
    return (int)cmdline_int("count", 0);
}
