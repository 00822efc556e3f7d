/* virtio-blk across a hot-swap: waits until a virtio-blk function appears on bus 0 (it is
 * device_add'ed while the guest runs), then writes each sector with its number and the round,
 * reads it back and compares, round after round, without pause. Prints "blkloop: round R ok"
 * after each round, and "blkloop: ... failed" or "blkloop: sector S mismatch" on an error,
 * after which it stops. Runs until the VMM ends it. */
#include "testguest.h"

#define SECTOR 512

static struct virtio_dev dev;
static struct virtio_blk_req *req;
static volatile uint8_t *status;
static uint8_t *out;
static uint8_t *in;

static int request(uint32_t type, uint64_t sector, uint8_t *buf, int device_writes)
{
    return virtio_blk_request(&dev.vq[0], req, status, type, sector, buf, SECTOR, device_writes);
}

int main(void)
{
    struct pci_dev d;
    printf("blkloop: waiting for a disk\n");
    /* transitional (the default) or modern-only (disable-legacy=on) */
    while (pci_find(0x1AF4, 0x1001, 0, &d) && pci_find(0x1AF4, 0x1042, 0, &d))
        delay_us(20000);
    if (virtio_start(&dev, VIRTIO_ID_BLOCK, 0, 0, 1, 0))
        return 1;
    req = phys_alloc(sizeof *req, 16);
    status = phys_alloc(1, 1);
    out = phys_alloc(SECTOR, SECTOR);
    in = phys_alloc(SECTOR, SECTOR);
    uint64_t capacity = virtio_cfg_read64(&dev, 0);
    printf("blkloop: capacity %lu sectors\n", capacity);
    for (uint32_t round = 1;; round++) {
        for (uint64_t s = 0; s < capacity; s++) {
            for (int i = 0; i < SECTOR; i += 8) {
                *(uint32_t *)(out + i) = (uint32_t)s;
                *(uint32_t *)(out + i + 4) = round;
            }
            int w = request(VIRTIO_BLK_T_OUT, s, out, 0);
            if (w != 0) {
                printf("blkloop: write of sector %lu failed (%d)\n", s, w);
                return 2;
            }
            memset(in, 0, SECTOR);
            int r = request(VIRTIO_BLK_T_IN, s, in, 1);
            if (r != 0) {
                printf("blkloop: read of sector %lu failed (%d)\n", s, r);
                return 3;
            }
            if (memcmp(in, out, SECTOR)) {
                printf("blkloop: sector %lu mismatch in round %u\n", s, round);
                return 4;
            }
        }
        printf("blkloop: round %u ok\n", round);
    }
}
