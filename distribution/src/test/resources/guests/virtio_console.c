/* virtio-console (port 0, no MULTIPORT): writes one line to the transmitq, then, with
 * echo=N on the command line, sends back through the transmitq every byte that arrives on
 * the receiveq until N bytes have come. Progress goes to the serial console. */
#include "testguest.h"

#define RX 0
#define TX 1
#define RX_BUFFERS 8
#define RX_SIZE 64

static struct virtio_dev dev;

static int transmit(const void *bytes, uint32_t len)
{
    uint8_t *copy = phys_alloc(len, 16);
    if (!copy)
        return -1;
    memcpy(copy, bytes, len);
    struct virtq_buf b = { copy, len, 0 };
    long used = virtq_submit(&dev.vq[TX], &b, 1, 10000);
    if (used < 0)
        printf("console: transmit of %u bytes got no answer (%ld)\n", len, used);
    return used < 0 ? -1 : 0;
}

static int echo(long want)
{
    struct virtq *rx = &dev.vq[RX];
    for (int i = 0; i < RX_BUFFERS; i++) {
        struct virtq_buf b = { phys_alloc(RX_SIZE, 64), RX_SIZE, 1 };
        virtq_add(rx, &b, 1);
    }
    virtq_kick(rx);
    printf("console: waiting for %ld bytes\n", want);
    long got = 0;
    while (got < want) {
        uint32_t id, len;
        if (!virtq_poll(rx, &id, &len, 60000)) {
            printf("console: no input for 60 s after %ld bytes\n", got);
            return -1;
        }
        const uint8_t *data = (const uint8_t *)(uintptr_t)rx->desc[id % rx->size].addr;
        if (len > RX_SIZE) {
            printf("console: used length %u is larger than the %d-byte buffer\n", len, RX_SIZE);
            return -1;
        }
        if (len && transmit(data, len))
            return -1;
        got += len;
        struct virtq_buf b = { data, RX_SIZE, 1 };
        virtq_add(rx, &b, 1);
        virtq_kick(rx);
    }
    printf("console: echoed %ld bytes\n", got);
    return 0;
}

int main(void)
{
    if (virtio_start(&dev, VIRTIO_ID_CONSOLE, 0, 0, 2, 0))
        return 1;
    static const char line[] = "hello through the virtio console transmitq\n";
    if (transmit(line, sizeof line - 1))
        return 2;
    printf("console: line sent\n");
    long want = cmdline_int("echo", 0);
    if (want > 0 && echo(want))
        return 3;
    printf("console: done\n");
    return 0;
}
