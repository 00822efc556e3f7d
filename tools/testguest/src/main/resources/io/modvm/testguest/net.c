/*
 * modvm test guest kit: a tiny host stack for NIC tests (Ethernet, ARP, IPv4, ICMP echo, UDP, one TCP
 * connection each way), driven by a NIC driver through struct net_if's tx and rx hooks. Enough for a test guest
 * to be pinged by the host, to ping it, to take a TCP stream from it and to send one to it: the peer is the host
 * kernel's own stack on a tap, so the frames are judged by a real implementation, not by the test.
 */
#include "testguest.h"

#define ETH_ARP 0x0806
#define ETH_IP  0x0800
#define IP_ICMP 1
#define IP_TCP  6
#define IP_UDP  17
#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v; }

uint32_t net_sum(const void *data, size_t len, uint32_t sum)
{
    const uint8_t *p = data;
    while (len > 1) {
        sum += (uint32_t)(p[0] << 8 | p[1]);
        p += 2;
        len -= 2;
    }
    if (len)
        sum += (uint32_t)(p[0] << 8);
    return sum;
}

uint16_t net_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

uint32_t net_pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto, uint32_t len)
{
    uint8_t ph[12];
    put32(ph, src);
    put32(ph + 4, dst);
    ph[8] = 0;
    ph[9] = proto;
    put16(ph + 10, (uint16_t)len);
    return net_sum(ph, 12, 0);
}

void net_ip_str(uint32_t ip, char *buf)
{
    snprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

/* Ethernet header to dst (the peer's MAC, or broadcast), and an IPv4 header of payload_len bytes after it. */
static uint32_t ip_header(struct net_if *n, uint8_t *f, uint8_t proto, uint32_t dst_ip, uint32_t payload_len)
{
    memcpy(f, n->peer_known ? n->peer_mac : (const uint8_t *)"\xff\xff\xff\xff\xff\xff", 6);
    memcpy(f + 6, n->mac, 6);
    put16(f + 12, ETH_IP);
    uint8_t *ip = f + 14;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)(20 + payload_len));
    put16(ip + 4, (uint16_t)n->ip_id++);
    put16(ip + 6, 0x4000);           /* don't fragment */
    ip[8] = 64;
    ip[9] = proto;
    put32(ip + 12, n->ip);
    put32(ip + 16, dst_ip);
    put16(ip + 10, (uint16_t)~net_fold(net_sum(ip, 20, 0)));
    return 34;
}

int net_arp_request(struct net_if *n, uint32_t target)
{
    uint8_t f[60];
    memset(f, 0, sizeof f);
    memset(f, 0xff, 6);
    memcpy(f + 6, n->mac, 6);
    put16(f + 12, ETH_ARP);
    put16(f + 14, 1);
    put16(f + 16, ETH_IP);
    f[18] = 6;
    f[19] = 4;
    put16(f + 20, 1);
    memcpy(f + 22, n->mac, 6);
    put32(f + 28, n->ip);
    put32(f + 38, target);
    return n->tx(n, 0, f, sizeof f);
}

int net_ping(struct net_if *n, uint32_t dst, uint16_t seq, uint32_t payload)
{
    static uint8_t f[14 + 20 + 8 + 9000];
    if (payload > 9000)
        return -1;
    uint32_t at = ip_header(n, f, IP_ICMP, dst, 8 + payload);
    uint8_t *icmp = f + at;
    memset(icmp, 0, 8);
    icmp[0] = 8;
    put16(icmp + 4, 0x4d56);        /* "MV" */
    put16(icmp + 6, seq);
    for (uint32_t i = 0; i < payload; i++)
        icmp[8 + i] = (uint8_t)(i * 7 + seq);
    put16(icmp + 2, (uint16_t)~net_fold(net_sum(icmp, 8 + payload, 0)));
    return n->tx(n, 0, f, at + 8 + payload);
}

int net_udp_send(struct net_if *n, uint32_t dst, uint16_t sport, uint16_t dport, const void *data, uint32_t len,
                 const void *vnet_hdr)
{
    static uint8_t f[14 + 20 + 8 + 1500];
    if (len > 1400)
        return -1;
    uint32_t at = ip_header(n, f, IP_UDP, dst, 8 + len);
    uint8_t *udp = f + at;
    put16(udp, sport);
    put16(udp + 2, dport);
    put16(udp + 4, (uint16_t)(8 + len));
    put16(udp + 6, 0);
    memcpy(udp + 8, data, len);
    uint16_t sum = (uint16_t)~net_fold(net_sum(udp, 8 + len, net_pseudo_sum(n->ip, dst, IP_UDP, 8 + len)));
    put16(udp + 6, sum ? sum : 0xffff);
    return n->tx(n, vnet_hdr, f, at + 8 + len);
}

/* ---- TCP ---- */

/* The Ethernet, IPv4 and TCP headers of t's next segment, in front of the len payload bytes already at f + 54 (a
 * SYN has none: its options take their place), with the checksum complete, or (partial) only the pseudo-header sum
 * for the host to finish; advances snd_nxt. Returns the frame's length. */
/* How long an unanswered SYN, segment or FIN waits before it is sent again. */
#define TCP_RETRY_MS 500

static uint32_t tcp_frame(struct net_if *n, struct net_tcp *t, uint8_t *f, uint8_t flags, uint32_t len, int partial)
{
    /* Our SYN offers window scaling with a shift of 0: our window stays as it is, and the peer may scale its own, so
     * that more than 64 KiB can be in flight to it. (A SYN-ACK offers none: that answers the peer's own option.) */
    uint32_t opt = (flags & (TCP_SYN | TCP_ACK)) == TCP_SYN ? 4 : 0;
    uint32_t at = ip_header(n, f, IP_TCP, t->peer_ip, 20 + opt + len);
    uint8_t *tcp = f + at;
    memset(tcp, 0, 20);
    put16(tcp, t->port);
    put16(tcp + 2, t->peer_port);
    put32(tcp + 4, t->snd_nxt);
    put32(tcp + 8, t->rcv_nxt);
    tcp[12] = (uint8_t)((5 + opt / 4) << 4);
    tcp[13] = flags;
    put16(tcp + 14, 65535);
    if (opt) {
        tcp[20] = 1;                /* NOP */
        tcp[21] = 3;                /* window scale, length 3, shift 0 */
        tcp[22] = 3;
        tcp[23] = 0;
    }
    uint32_t pseudo = net_pseudo_sum(n->ip, t->peer_ip, IP_TCP, 20 + opt + len);
    if (partial)
        put16(tcp + 16, net_fold(pseudo));
    else
        put16(tcp + 16, (uint16_t)~net_fold(net_sum(tcp, 20 + opt + len, pseudo)));
    t->snd_nxt += len + ((flags & (TCP_SYN | TCP_FIN)) ? 1 : 0);
    return at + 20 + opt + len;
}

static int tcp_send(struct net_if *n, struct net_tcp *t, uint8_t flags, const uint8_t *data, uint32_t len,
                    const void *vnet_hdr)
{
    static uint8_t f[NET_TCP_HEADERS + 65536];
    if (len > 65536 - 20 - 20)
        return -1;
    if (len)
        memcpy(f + NET_TCP_HEADERS, data, len);
    /* Checksum offload (a vnet header): the field holds the pseudo-header sum, the host finishes it. */
    uint32_t size = tcp_frame(n, t, f, flags, len, vnet_hdr != 0);
    return n->tx(n, vnet_hdr, f, size);
}

void net_tcp_listen(struct net_if *n, uint16_t port)
{
    memset(&n->in, 0, sizeof n->in);
    n->in.port = port;
    n->in.state = NET_TCP_LISTEN;
    n->in.snd_nxt = 0x1000;
}

int net_tcp_connect(struct net_if *n, uint32_t dst, uint16_t port, uint64_t timeout_ms)
{
    struct net_tcp *t = &n->out;
    uint64_t end = rdtsc() + timeout_ms * tsc_per_ms();
    uint16_t local = 40000 + (uint16_t)(rdtsc() & 0x3ff);
    /* A SYN the host drops, or a reset because its listener is not up yet, is tried again, as a TCP stack does. */
    while (rdtsc() < end) {
        memset(t, 0, sizeof *t);
        t->port = local;
        t->peer_ip = dst;
        t->peer_port = port;
        t->snd_nxt = 0x2000;
        t->state = NET_TCP_SYN_SENT;
        tcp_send(n, t, TCP_SYN, 0, 0, 0);
        uint64_t retry = rdtsc() + TCP_RETRY_MS * tsc_per_ms();
        while (t->state == NET_TCP_SYN_SENT && rdtsc() < retry)
            if (!net_poll(n))
                pause();
        if (t->state == NET_TCP_ESTABLISHED)
            return 0;
        while (rdtsc() < retry)
            pause();
    }
    t->state = NET_TCP_CLOSED;
    return -1;
}

int net_tcp_write(struct net_if *n, const void *data, uint32_t len, const void *vnet_hdr)
{
    struct net_tcp *t = &n->out;
    if (t->state != NET_TCP_ESTABLISHED)
        return -1;
    return tcp_send(n, t, TCP_PSH | TCP_ACK, data, len, vnet_hdr);
}

uint32_t net_tcp_frame(struct net_if *n, uint8_t *frame, uint32_t len)
{
    if (n->out.state != NET_TCP_ESTABLISHED || len > 65536 - 20 - 20)
        return 0;
    return tcp_frame(n, &n->out, frame, TCP_PSH | TCP_ACK, len, 1);
}

long net_tcp_send_pattern(struct net_if *n, const uint8_t *data, uint32_t seg, long bytes,
                          const void *(*header)(uint8_t *h, uint32_t len), uint64_t stall_ms)
{
    struct net_tcp *t = &n->out;
    if (t->state != NET_TCP_ESTABLISHED || seg == 0 || seg > 60000)
        return -1;
    uint32_t base = t->snd_nxt;
    long retransmits = 0;
    uint64_t stalled = rdtsc() + stall_ms * tsc_per_ms();
    while ((long)(t->acked - base) < bytes) {
        long at = (long)(t->snd_nxt - base);
        uint32_t off = (uint32_t)(at % seg);
        uint32_t len = seg - off;
        if (bytes - at < len)
            len = (uint32_t)(bytes - at);
        /* Beyond the peer's window the host drops what does not fit; a full frame past a closed window is a probe. */
        uint32_t room = t->wnd > 1448 ? t->wnd : 1448;
        if (len > room)
            len = room;
        uint8_t h[12];
        uint32_t before = t->acked;
        tcp_send(n, t, TCP_PSH | TCP_ACK, data + off, len, header ? header(h, len) : 0);
        uint64_t retry = rdtsc() + TCP_RETRY_MS * tsc_per_ms();
        while (t->acked != t->snd_nxt && rdtsc() < retry)
            if (!net_poll(n))
                pause();
        if (t->acked != before)
            stalled = rdtsc() + stall_ms * tsc_per_ms();
        else if (rdtsc() > stalled)
            return -1;
        if (t->acked != t->snd_nxt) {
            /* Go back to the first byte the host lacks: it dropped a frame (a full socket buffer, a busy host). */
            t->snd_nxt = t->acked;
            retransmits++;
        }
    }
    return retransmits;
}

int net_tcp_close(struct net_if *n, uint64_t timeout_ms)
{
    struct net_tcp *t = &n->out;
    uint64_t end = rdtsc() + timeout_ms * tsc_per_ms();
    uint32_t fin = t->snd_nxt;
    t->state = NET_TCP_FIN_WAIT;
    while (rdtsc() < end) {
        t->snd_nxt = fin;
        tcp_send(n, t, TCP_FIN | TCP_ACK, 0, 0, 0);
        uint64_t retry = rdtsc() + TCP_RETRY_MS * tsc_per_ms();
        while (t->state != NET_TCP_CLOSED && rdtsc() < retry)
            if (!net_poll(n))
                pause();
        if (t->state == NET_TCP_CLOSED)
            return 0;
    }
    return -1;
}

/* The window scale shift a SYN offers (RFC 7323; at most 14), or 0 without the option. */
static uint8_t tcp_wscale(const uint8_t *tcp, uint32_t hlen)
{
    for (uint32_t i = 20; i < hlen; ) {
        uint8_t kind = tcp[i];
        if (kind == 0)
            break;
        if (kind == 1) {
            i++;
            continue;
        }
        if (i + 1 >= hlen || tcp[i + 1] < 2 || i + tcp[i + 1] > hlen)
            break;
        if (kind == 3 && tcp[i + 1] == 3)
            return tcp[i + 2] > 14 ? 14 : tcp[i + 2];
        i += tcp[i + 1];
    }
    return 0;
}

static void tcp_input(struct net_if *n, const uint8_t *ip, uint32_t src, const uint8_t *tcp, uint32_t len)
{
    if (len < 20 || (tcp[12] >> 4) * 4u > len)
        return;
    uint32_t hlen = (tcp[12] >> 4) * 4u;
    uint16_t sport = get16(tcp), dport = get16(tcp + 2);
    uint32_t seq = get32(tcp + 4), ack = get32(tcp + 8);
    uint8_t flags = tcp[13];
    uint32_t data = len - hlen;
    (void)ip;
    struct net_tcp *out = &n->out;
    if (out->state != NET_TCP_CLOSED && dport == out->port && sport == out->peer_port) {
        if (flags & TCP_RST) {
            out->state = NET_TCP_CLOSED;
            n->tcp_resets++;
            return;
        }
        if (out->state == NET_TCP_SYN_SENT && (flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK)) {
            out->rcv_nxt = seq + 1;
            out->acked = ack;
            out->wscale = tcp_wscale(tcp, hlen);
            out->wnd = get16(tcp + 14);         /* never scaled in a SYN */
            out->state = NET_TCP_ESTABLISHED;
            tcp_send(n, out, TCP_ACK, 0, 0, 0);
            return;
        }
        if (flags & TCP_ACK) {
            out->acked = ack;
            out->wnd = (uint32_t)get16(tcp + 14) << out->wscale;
        }
        if (flags & TCP_FIN) {
            out->rcv_nxt = seq + data + 1;
            tcp_send(n, out, TCP_ACK, 0, 0, 0);
            if (out->state == NET_TCP_FIN_WAIT)
                out->state = NET_TCP_CLOSED;
        }
        return;
    }
    struct net_tcp *in = &n->in;
    if (in->state == NET_TCP_CLOSED || dport != in->port)
        return;
    if (flags & TCP_SYN) {
        in->peer_ip = src;
        in->peer_port = sport;
        in->rcv_nxt = seq + 1;
        in->snd_nxt = 0x1000;
        in->state = NET_TCP_ESTABLISHED;
        tcp_send(n, in, TCP_SYN | TCP_ACK, 0, 0, 0);
        return;
    }
    if (sport != in->peer_port || src != in->peer_ip || in->state != NET_TCP_ESTABLISHED)
        return;
    if (data && seq == in->rcv_nxt) {
        in->rcv_nxt += data;
        in->bytes += data;
        if (data > in->largest)
            in->largest = data;
    }
    if (flags & TCP_FIN) {
        in->rcv_nxt = seq + data + 1;
        tcp_send(n, in, TCP_FIN | TCP_ACK, 0, 0, 0);
        in->state = NET_TCP_DONE;
        return;
    }
    if (data)
        tcp_send(n, in, TCP_ACK, 0, 0, 0);
}

/* ---- receive ---- */

void net_input(struct net_if *n, const uint8_t *f, uint32_t len)
{
    n->frames_in++;
    if (len < 14)
        return;
    uint16_t type = get16(f + 12);
    if (type == ETH_ARP && len >= 42) {
        const uint8_t *a = f + 14;
        uint16_t op = get16(a + 6);
        uint32_t sender = get32(a + 14), target = get32(a + 24);
        if (sender == n->peer_ip) {
            memcpy(n->peer_mac, a + 8, 6);
            n->peer_known = 1;
        }
        if (op == 1 && target == n->ip) {
            uint8_t r[60];
            memset(r, 0, sizeof r);
            memcpy(r, a + 8, 6);
            memcpy(r + 6, n->mac, 6);
            put16(r + 12, ETH_ARP);
            memcpy(r + 14, a, 6);
            put16(r + 20, 2);
            memcpy(r + 22, n->mac, 6);
            put32(r + 28, n->ip);
            memcpy(r + 32, a + 8, 6);
            put32(r + 38, sender);
            n->tx(n, 0, r, sizeof r);
            n->arp_answered++;
        }
        return;
    }
    if (type != ETH_IP || len < 34)
        return;
    const uint8_t *ip = f + 14;
    uint32_t ihl = (ip[0] & 15) * 4u;
    uint32_t total = get16(ip + 2);
    if ((ip[0] >> 4) != 4 || ihl < 20 || total < ihl || 14 + total > len)
        return;
    uint32_t src = get32(ip + 12), dst = get32(ip + 16);
    if (dst != n->ip)
        return;
    const uint8_t *l4 = ip + ihl;
    uint32_t l4len = total - ihl;
    if (ip[9] == IP_ICMP && l4len >= 8) {
        if (l4[0] == 0 && get16(l4 + 4) == 0x4d56) {
            n->echo_replies++;
            n->last_echo_seq = get16(l4 + 6);
            if (l4len - 8 > n->largest_echo)
                n->largest_echo = l4len - 8;
        } else if (l4[0] == 8) {
            static uint8_t r[14 + 20 + 9100];
            if (l4len > 9100)
                return;
            uint32_t saved_peer = n->peer_ip;
            uint8_t saved_mac[6];
            int saved_known = n->peer_known;
            memcpy(saved_mac, n->peer_mac, 6);
            n->peer_ip = src;
            memcpy(n->peer_mac, f + 6, 6);
            n->peer_known = 1;
            uint32_t at = ip_header(n, r, IP_ICMP, src, l4len);
            memcpy(r + at, l4, l4len);
            r[at] = 0;
            r[at + 2] = r[at + 3] = 0;
            put16(r + at + 2, (uint16_t)~net_fold(net_sum(r + at, l4len, 0)));
            n->tx(n, 0, r, at + l4len);
            n->echo_answered++;
            n->peer_ip = saved_peer;
            memcpy(n->peer_mac, saved_mac, 6);
            n->peer_known = saved_known;
        }
        return;
    }
    if (ip[9] == IP_TCP) {
        tcp_input(n, ip, src, l4, l4len);
        return;
    }
    if (ip[9] == IP_UDP && l4len >= 8) {
        n->udp_in++;
        return;
    }
}

int net_poll(struct net_if *n)
{
    static uint8_t buf[70000];
    int got = 0;
    for (;;) {
        int len = n->rx(n, buf, sizeof buf);
        if (len <= 0)
            return got;
        net_input(n, buf, (uint32_t)len);
        got++;
    }
}

int net_poll_until(struct net_if *n, volatile int *value, int wanted, uint64_t timeout_ms)
{
    uint64_t end = rdtsc() + timeout_ms * tsc_per_ms();
    while (*value != wanted) {
        if (rdtsc() > end)
            return 0;
        if (!net_poll(n))
            pause();
    }
    return 1;
}

void net_serve(struct net_if *n, uint64_t ms)
{
    uint64_t end = rdtsc() + ms * tsc_per_ms();
    while (rdtsc() < end) {
        if (!net_poll(n))
            pause();
    }
}

int net_resolve(struct net_if *n, uint64_t timeout_ms)
{
    uint64_t end = rdtsc() + timeout_ms * tsc_per_ms();
    while (!n->peer_known && rdtsc() < end) {
        net_arp_request(n, n->peer_ip);
        uint64_t next = rdtsc() + 500 * tsc_per_ms();
        while (!n->peer_known && rdtsc() < next) {
            if (!net_poll(n))
                pause();
        }
    }
    return n->peer_known ? 0 : -1;
}
