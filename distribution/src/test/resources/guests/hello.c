/* Prints a greeting and ends with the code the command line asks for. */
#include "testguest.h"

int main(void)
{
    printf("hello from a modvm test guest at CPL%d\n", cpl());
    return (int)cmdline_int("code", 0);
}
