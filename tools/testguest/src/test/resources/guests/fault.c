/* Faults on purpose: the kit reports the exception on COM1 and exits with KIT_EXIT_EXCEPTION.
 * "fault=ud" raises #UD, "fault=div" #DE, "fault=gp" #GP, default a #PF above 4 GiB. */
#include "testguest.h"

int main(void)
{
    char kind[8] = "pf";
    cmdline_str("fault", kind, sizeof kind);
    printf("about to fault (%s)\n", kind);
    if (!strcmp(kind, "ud"))
        __asm__ volatile("ud2");
    else if (!strcmp(kind, "div"))   /* asm: gcc folds a C division by a known zero */
        __asm__ volatile("xorl %%ecx, %%ecx; movl $1, %%eax; cltd; idivl %%ecx" ::: "eax", "ecx", "edx");
    else if (!strcmp(kind, "gp"))
        __asm__ volatile("mov %%cr3, %%rax" ::: "rax");   /* privileged at CPL3 */
    else
        return (int)mmio_read8(0x123456789000ULL);
    return 0;
}
