/* Loads an empty IDT at CPL0 and raises #UD: with no handler the CPU shuts down (a triple fault). */
#include "testguest.h"

void kmain0(void)
{
    struct __attribute__((packed)) { uint16_t limit; uint64_t base; } empty = {0, 0};
    puts("about to triple-fault\n");
    __asm__ volatile("lidt %0; ud2" :: "m"(empty));
}

int main(void)
{
    return 1;
}
