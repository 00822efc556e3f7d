/* Takes one TCP connection and throws its bytes away, counting them: the sink of the net benchmark's TSO figure.
 * Run inside the benchmark's network namespace, on the tap's address.
 *
 *   tcpsink ADDR PORT     prints "tcpsink listening" once it listens, then, when the peer has closed,
 *                         "tcpsink bytes=N ns=T" (T from the connection's acceptance to the end of the stream).
 *
 * It reads with a 1 MiB buffer, so that the sink costs the host as little as it can. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(int argc, char **argv)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    if (argc != 3 || inet_pton(AF_INET, argv[1], &a.sin_addr) != 1 || !(a.sin_port = htons((unsigned short)atoi(argv[2])))) {
        fprintf(stderr, "usage: tcpsink ADDR PORT (an IPv4 address and a port number)\n");
        return 2;
    }
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, 1)) {
        fprintf(stderr, "tcpsink: cannot listen on %s:%s: %s\n", argv[1], argv[2], strerror(errno));
        return 1;
    }
    printf("tcpsink listening\n");
    fflush(stdout);
    int c = accept(s, 0, 0);
    if (c < 0) {
        perror("tcpsink: accept");
        return 1;
    }
    static char buf[1 << 20];
    unsigned long long total = 0;
    double t0 = now_ns();
    for (;;) {
        ssize_t n = read(c, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            perror("tcpsink: read");
            return 1;
        }
        if (n == 0)
            break;
        total += (unsigned long long)n;
    }
    printf("tcpsink bytes=%llu ns=%.0f\n", total, now_ns() - t0);
    close(c);
    return 0;
}
