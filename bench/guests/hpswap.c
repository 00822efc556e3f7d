/* bench: the pause a hot-swap of the device's bundle costs the guest (bench/README.md, g).
 *
 * Waits for a virtio-rng (modern, 1af4:1044) on bus 0 (the harness device_adds it), brings it up with the
 * kit's driver (polled, no MSI-X), then issues len= byte entropy requests back to back, each waiting for the
 * previous one's completion, for windows= windows of window_ms= milliseconds (by the TSC; the harness passes
 * the host TSC rate as tsc_khz=, as the guest's PIT calibration can be fooled by a vCPU stall). For each
 * window it prints the number of requests and the longest gap between two consecutive completions, in TSC
 * ticks; the printing itself (serial port I/O, slow on PVM) is outside every gap. A request that does not
 * complete within 60 s ends the run: "BENCH-SWAP failed". Ends with "BENCH-SWAP done" and the debug-exit port. */
#include "testguest.h"

int main(void)
{
    long windows = cmdline_int("windows", 40);
    long window_ms = cmdline_int("window_ms", 250);
    long len = cmdline_int("len", 16);
    uint64_t khz = (uint64_t)cmdline_int("tsc_khz", 0);
    if (!khz)
        khz = tsc_per_ms();
    tsc_per_ms();
    printf("BENCH-SWAP waiting\n");
    struct pci_dev d;
    while (pci_find(0x1AF4, 0x1044, 0, &d))
        delay_us(20000);
    struct virtio_dev v;
    if (virtio_start(&v, VIRTIO_ID_RNG, 0, 0, 1, 0)) {
        printf("BENCH-SWAP failed to start the device\n");
        return 1;
    }
    uint8_t *buf = phys_alloc((size_t)len, 16);
    struct virtq_buf b = { buf, (uint32_t)len, 1 };
    printf("BENCH-SWAP start slot=%02x\n", d.dev);
    uint64_t all_max = 0, all_reqs = 0;
    long all_w = -1;
    for (long w = 0; w < windows; w++) {
        uint64_t start = rdtsc(), last = start, max = 0, reqs = 0, end = start + (uint64_t)window_ms * khz;
        while (last < end) {
            long n = virtq_submit(&v.vq[0], &b, 1, 60000);
            uint64_t now = rdtsc();
            if (n <= 0) {
                printf("BENCH-SWAP failed w=%ld after %lu requests: result %ld\n", w, reqs, n);
                return 2;
            }
            if (now - last > max)
                max = now - last;
            last = now;
            reqs++;
        }
        printf("BENCH-SWAP w=%ld reqs=%lu tsc=%lu max_gap=%lu\n", w, reqs, last - start, max);
        all_reqs += reqs;
        if (max > all_max) {
            all_max = max;
            all_w = w;
        }
    }
    printf("BENCH-SWAP done reqs=%lu max_gap=%lu max_w=%ld\n", all_reqs, all_max, all_w);
    return 0;
}
