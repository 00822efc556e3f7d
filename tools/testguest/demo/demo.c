/* The quick-start guest: greets, then answers each line typed on the console. "exit" ends it. */
#include "testguest.h"

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
        if (strcmp(line, "exit") == 0)
            return 0;
        if (n)
            printf("you typed %d characters: %s\n", n, line);
    }
}
