/* Jumps into an unmapped MMIO window: KVM cannot fetch instructions there and stops with an internal error. */
#include "testguest.h"

int main(void)
{
    puts("jumping into MMIO\n");
    ((void (*)(void))0xD0000000ull)();
    return 1;
}
