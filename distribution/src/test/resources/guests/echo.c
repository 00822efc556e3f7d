/* Reads lines from the serial console and answers each; "quit" ends the guest. Polled at CPL3. */
#include "testguest.h"

int main(void)
{
    char line[128];
    puts("ready\n");
    for (;;) {
        int n = 0;
        for (;;) {
            int c = getc();
            if (c == '\r' || c == '\n')
                break;
            if (n < (int)sizeof(line) - 1)
                line[n++] = (char)c;
        }
        line[n] = 0;
        if (n == 0)
            continue;
        if (strcmp(line, "quit") == 0)
            return 7;
        printf("got: %s (%d bytes)\n", line, n);
    }
}
