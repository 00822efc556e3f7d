/* Sends raw Ethernet frames on one interface, for the net benchmark's receive figures and to steer its guest.
 * Run inside the benchmark's network namespace (ip netns exec), on the tap there: the frames go to the VMM that holds
 * the tap and to nothing else.
 *
 *   netgen IFACE DSTMAC ctl TEXT       one control frame (ethertype 0x88B6) whose payload is TEXT
 *   netgen IFACE DSTMAC blast LEN N    N frames of LEN bytes (Ethernet header and payload, no FCS) of ethertype
 *                                      0x88B5, each with its sequence number (big-endian, 4 bytes) first, sent as fast
 *                                      as sendmmsg takes them; then, after 200 ms, three "end" control frames 50 ms
 *                                      apart. Prints "netgen sent=N ns=T full=F" (T: the time of the N frames; F: how
 *                                      often the tap's queue was full).
 *
 * A frame the tap refuses because its queue is full (the VMM has not read the queue yet; the tap counts it in
 * tx_dropped and sendmmsg fails with ENOBUFS) is sent again after a 50 us sleep, which leaves the CPU to the VMM
 * meanwhile: every frame is offered until it is taken, and the generator does not compete for the CPU while the tap
 * is full. So the rate the guest sees is what the VMM moves, not what the generator can push.
 *
 * The source MAC is the interface's own. The packet socket has protocol 0, so it receives nothing, and bypasses the
 * queueing discipline, so the tap's answer (taken, or refused) comes straight back. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define ETH_BENCH 0x88B5
#define ETH_CTL 0x88B6
#define BATCH 64
#define MAX_LEN 9000
#define BACKOFF_NS 50000                /* the tap holds 1000 frames: a VMM drains a tenth of them meanwhile */

static int sock;
static struct sockaddr_ll to;
static unsigned char src[6], dst[6];

static void header(unsigned char *f, unsigned short type)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    f[12] = (unsigned char)(type >> 8);
    f[13] = (unsigned char)type;
}

static void send_ctl(const char *text)
{
    unsigned char f[60] = { 0 };
    size_t n = strlen(text);
    if (n > sizeof f - 15)
        n = sizeof f - 15;
    header(f, ETH_CTL);
    memcpy(f + 14, text, n);
    if (sendto(sock, f, sizeof f, 0, (struct sockaddr *)&to, sizeof to) != (ssize_t)sizeof f) {
        perror("netgen: sendto");
        exit(1);
    }
}

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static void blast(unsigned len, unsigned long n)
{
    static unsigned char frames[BATCH][MAX_LEN];
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    memset(msgs, 0, sizeof msgs);
    for (int i = 0; i < BATCH; i++) {
        header(frames[i], ETH_BENCH);
        for (unsigned j = 18; j < len; j++)
            frames[i][j] = (unsigned char)j;
        iov[i].iov_base = frames[i];
        iov[i].iov_len = len;
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &to;
        msgs[i].msg_hdr.msg_namelen = sizeof to;
    }
    unsigned long seq = 0, full = 0;
    const struct timespec backoff = { 0, BACKOFF_NS };
    double t0 = now_ns();
    while (seq < n) {
        int k = n - seq < BATCH ? (int)(n - seq) : BATCH;
        for (int i = 0; i < k; i++) {
            unsigned long s = seq + i;
            frames[i][14] = (unsigned char)(s >> 24);
            frames[i][15] = (unsigned char)(s >> 16);
            frames[i][16] = (unsigned char)(s >> 8);
            frames[i][17] = (unsigned char)s;
        }
        int sent = sendmmsg(sock, msgs, (unsigned)k, 0);
        if (sent < 0) {
            if (errno == ENOBUFS) {
                /* The tap's queue is full (the VMM has not read it yet): the frame was refused, not lost. Let the
                 * VMM have the CPU, then send it again. */
                full++;
                nanosleep(&backoff, 0);
                continue;
            }
            if (errno == EINTR || errno == EAGAIN)
                continue;
            perror("netgen: sendmmsg");
            exit(1);
        }
        seq += (unsigned long)sent;
    }
    double t1 = now_ns();
    printf("netgen sent=%lu ns=%.0f full=%lu\n", n, t1 - t0, full);
    fflush(stdout);
    usleep(200000);
    for (int i = 0; i < 3; i++) {
        send_ctl("end");
        usleep(50000);
    }
}

static int parse_mac(const char *s, unsigned char *mac)
{
    return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2], &mac[3], &mac[4], &mac[5]) == 6
        ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc < 5 || parse_mac(argv[2], dst)) {
        fprintf(stderr, "usage: netgen IFACE DSTMAC ctl TEXT | netgen IFACE DSTMAC blast LEN N\n");
        return 2;
    }
    sock = socket(AF_PACKET, SOCK_RAW, 0);
    if (sock < 0) {
        perror("netgen: socket(AF_PACKET) (needs CAP_NET_RAW)");
        return 1;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", argv[1]);
    if (ioctl(sock, SIOCGIFINDEX, &ifr) < 0) {
        fprintf(stderr, "netgen: no interface '%s' here: %s\n", argv[1], strerror(errno));
        return 1;
    }
    memset(&to, 0, sizeof to);
    to.sll_family = AF_PACKET;
    to.sll_ifindex = ifr.ifr_ifindex;
    to.sll_halen = 6;
    memcpy(to.sll_addr, dst, 6);
    if (ioctl(sock, SIOCGIFHWADDR, &ifr) < 0) {
        fprintf(stderr, "netgen: cannot read the MAC of '%s': %s\n", argv[1], strerror(errno));
        return 1;
    }
    memcpy(src, ifr.ifr_hwaddr.sa_data, 6);
    int one = 1;
    setsockopt(sock, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
    if (!strcmp(argv[3], "ctl")) {
        send_ctl(argv[4]);
        return 0;
    }
    if (!strcmp(argv[3], "blast") && argc == 6) {
        char *end;
        unsigned long len = strtoul(argv[4], &end, 0);
        unsigned long n = strtoul(argv[5], 0, 0);
        if (*end || len < 60 || len > MAX_LEN || !n) {
            fprintf(stderr, "netgen: LEN must be 60..%d and N above 0, not '%s' '%s'\n", MAX_LEN, argv[4], argv[5]);
            return 2;
        }
        blast((unsigned)len, n);
        return 0;
    }
    fprintf(stderr, "netgen: unknown mode '%s' (ctl TEXT, or blast LEN N)\n", argv[3]);
    return 2;
}
