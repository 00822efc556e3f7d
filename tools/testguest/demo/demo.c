/* The quick-start guest: greets, then answers each line typed on the console. "exit" ends it. */
#include "testguest.h"

/* modvm's acpi-pm device: PM1a control at 0x604, and the SLP_TYP its DSDT gives \_S5. */
#define PM1A_CNT 0x604
#define SLP_TYP_S5 5
#define SLP_EN (1 << 13)

/* "exit" powers the machine off, as an operating system would, so that modvm ends with status 0 rather than
 * isa-debug-exit's (0 << 1) | 1, which reads like a failure. Returning is the fallback where there is no acpi-pm. */
static void power_off(void)
{
    outw(PM1A_CNT, SLP_TYP_S5 << 10 | SLP_EN);
}

int main(void)
{
    char line[80];
    printf("\nHello from a modvm guest: %d MiB of RAM, running at CPL%d.\n", (int)(free_mem_end() >> 20), cpl());
    printf("Type a line and press Enter; 'exit' ends the guest, Ctrl-A x quits modvm.\n");
    for (;;) {
        int n = 0;
        puts("> ");
        for (;;) {
            int c = getc();
            if (c == '\r' || c == '\n')
                break;
            if ((c == 127 || c == 8) && n > 0) {
                n--;
                puts("\b \b");
                continue;
            }
            if (c >= ' ' && n < (int)sizeof(line) - 1) {
                line[n++] = (char)c;
                putc((char)c);
            }
        }
        line[n] = 0;
        putc('\n');
        if (strcmp(line, "exit") == 0) {
            power_off();
            return 0;
        }
        if (n)
            printf("you typed %d characters: %s\n", n, line);
    }
}
