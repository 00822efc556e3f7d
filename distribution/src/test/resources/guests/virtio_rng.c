/* virtio-rng: fetches 64 random bytes twice and prints them in hex; the requestq
 * interrupts through MSI-X, and the guest counts those interrupts. */
#include "testguest.h"

#define VECTOR 0x40

static unsigned submitted;

/*
 * The interrupt trails the used-ring update: the device raises it after publishing. Waiting for it before the next
 * request keeps two interrupts of one vector from meeting while the first is still pending, which merges them into
 * one, as on hardware.
 */
static void await_interrupts(unsigned n)
{
    uint64_t end = rdtsc() + 60000 * tsc_per_ms(); /* a bound for a loaded host; it ends at the interrupt */
    while (vector_count(VECTOR) < n && rdtsc() < end)
        pause();
}

static uint8_t *fetch(struct virtio_dev *v)
{
    uint8_t *buf = phys_alloc(64, 64);
    struct virtq_buf b = { buf, 64, 1 };
    uint32_t total = 0;
    /* The device may return fewer bytes than asked for (5.4.6.2); ask again for the rest. */
    for (int tries = 0; tries < 64 && total < 64; tries++) {
        b.addr = buf + total;
        b.len = 64 - total;
        long n = virtq_submit(&v->vq[0], &b, 1, 30000);
        if (n < 0) {
            printf("rng: request failed (%ld)\n", n);
            return 0;
        }
        await_interrupts(++submitted);
        total += (uint32_t)n;
    }
    printf("rng:");
    for (int i = 0; i < 64; i++)
        printf(" %02x", buf[i]);
    printf("\n");
    return buf;
}

int main(void)
{
    struct virtio_dev v;
    if (virtio_start(&v, VIRTIO_ID_RNG, 0, 0, 1, VECTOR))
        return 1;
    sti();
    if (!fetch(&v) || !fetch(&v))
        return 2;
    cli();
    printf("rng: msix vector 0x%x interrupts %u\n", VECTOR, vector_count(VECTOR));
    printf("rng: done\n");
    return 0;
}
