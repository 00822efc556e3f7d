/* virtio-blk durability: writes sector after sector (each filled with its own number and
 * the round), FLUSHes after every `batch=N` writes and prints "flushed S" once the FLUSH has
 * completed, where every sector below S is written. It never stops by itself: the test kills
 * the VMM with SIGKILL in the middle and checks that everything a completed FLUSH covered is
 * in the image. */
#include "testguest.h"

#define VIRTIO_BLK_F_FLUSH (1ULL << 9)
#define SECTOR 512

static struct virtio_dev dev;
static struct virtio_blk_req *req;
static volatile uint8_t *status;
static uint8_t *data;

/* Writes len bytes of data (none for a FLUSH); returns the status byte, or < 0 on a timeout. */
static int request(uint32_t type, uint64_t sector, uint32_t len)
{
    return virtio_blk_request(&dev.vq[0], req, status, type, sector, data, len, 0);
}

int main(void)
{
    if (virtio_start(&dev, 2, 0, VIRTIO_BLK_F_FLUSH, 1, 0))
        return 1;
    req = phys_alloc(sizeof *req, 16);
    status = phys_alloc(1, 1);
    data = phys_alloc(SECTOR, SECTOR);
    uint64_t capacity = virtio_cfg_read64(&dev, 0);
    long batch = cmdline_int("batch", 8);
    printf("flushloop: capacity %lu sectors, flush every %ld\n", capacity, batch);
    for (uint32_t round = 1;; round++) {
        for (uint64_t s = 0; s < capacity; s++) {
            for (int i = 0; i < SECTOR; i += 8) {
                *(uint32_t *)(data + i) = (uint32_t)s;
                *(uint32_t *)(data + i + 4) = round;
            }
            if (request(VIRTIO_BLK_T_OUT, s, SECTOR) != 0) {
                printf("flushloop: write of sector %lu failed\n", s);
                return 2;
            }
            if ((s + 1) % batch == 0 || s + 1 == capacity) {
                if (request(VIRTIO_BLK_T_FLUSH, 0, 0) != 0) {
                    printf("flushloop: flush failed\n");
                    return 3;
                }
                printf("flushed %lu round %u\n", s + 1, round);
            }
        }
    }
}
