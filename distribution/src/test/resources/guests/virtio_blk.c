/* virtio-blk: reads sectors 0..7 and prints an FNV-1a checksum of each, writes sectors
 * 16..19 with a pattern and FLUSHes, reads them back, asks for the ID (GET_ID), and reads
 * the sector just past the end. Every request's status is printed, so a read-only or
 * out-of-range failure shows as "status 1 (IOERR)". The host side checks the image file. */
#include "testguest.h"

#define VIRTIO_BLK_F_RO    (1ULL << 5)
#define VIRTIO_BLK_F_FLUSH (1ULL << 9)
#define SECTOR 512
#define WRITE_FIRST 16
#define WRITE_COUNT 4

static struct virtio_dev dev;
static struct virtio_blk_req *req;
static volatile uint8_t *status;
static uint8_t *data;

static const char *status_name(int s)
{
    switch (s) {
    case 0: return "OK";
    case 1: return "IOERR";
    case 2: return "UNSUPP";
    default: return "none";
    }
}

/* Returns the status byte the device wrote (0xFF: none), or -1 on a timeout. */
static int request(uint32_t type, uint64_t sector, void *buf, uint32_t len, int device_writes)
{
    int s = virtio_blk_request(&dev.vq[0], req, status, type, sector, buf, len, device_writes);
    if (s < 0) {
        printf("blk: request type %u sector %lu got no answer (%ld)\n", type, sector, (long)s);
        return -1;
    }
    return s;
}

static uint32_t fnv1a(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    while (n--)
        h = (h ^ *p++) * 16777619u;
    return h;
}

int main(void)
{
    if (virtio_start(&dev, VIRTIO_ID_BLOCK, 0, VIRTIO_BLK_F_RO | VIRTIO_BLK_F_FLUSH, 1, 0))
        return 1;
    req = phys_alloc(sizeof *req, 16);
    status = phys_alloc(1, 16);
    data = phys_alloc(SECTOR * 8, 4096);
    uint64_t capacity = virtio_cfg_read64(&dev, 0);
    printf("blk: capacity %lu sectors, ro %d, flush %d\n", capacity, !!(dev.features & VIRTIO_BLK_F_RO),
           !!(dev.features & VIRTIO_BLK_F_FLUSH));

    char id[21] = { 0 };
    int s = request(VIRTIO_BLK_T_GET_ID, 0, id, 20, 1);
    printf("blk: get_id status %d (%s) id '%s'\n", s, status_name(s), id);

    s = request(VIRTIO_BLK_T_IN, 0, data, SECTOR * 8, 1);
    printf("blk: read 0..7 status %d (%s)\n", s, status_name(s));
    for (int i = 0; i < 8 && s == 0; i++)
        printf("blk: sector %d fnv 0x%08x\n", i, fnv1a(data + i * SECTOR, SECTOR));

    /* Byte i of written sector k is (k * 31 + i * 7) & 0xFF, so the host can check it. */
    for (int k = 0; k < WRITE_COUNT; k++)
        for (int i = 0; i < SECTOR; i++)
            data[k * SECTOR + i] = (uint8_t)((WRITE_FIRST + k) * 31 + i * 7);
    s = request(VIRTIO_BLK_T_OUT, WRITE_FIRST, data, SECTOR * WRITE_COUNT, 0);
    printf("blk: write %d..%d status %d (%s)\n", WRITE_FIRST, WRITE_FIRST + WRITE_COUNT - 1, s, status_name(s));
    if (dev.features & VIRTIO_BLK_F_FLUSH) {
        s = request(VIRTIO_BLK_T_FLUSH, 0, 0, 0, 0);
        printf("blk: flush status %d (%s)\n", s, status_name(s));
    }
    memset(data, 0, SECTOR * WRITE_COUNT);
    s = request(VIRTIO_BLK_T_IN, WRITE_FIRST, data, SECTOR * WRITE_COUNT, 1);
    for (int k = 0; k < WRITE_COUNT && s == 0; k++)
        printf("blk: sector %d fnv 0x%08x\n", WRITE_FIRST + k, fnv1a(data + k * SECTOR, SECTOR));

    s = request(VIRTIO_BLK_T_IN, capacity, data, SECTOR, 1);
    printf("blk: read past the end (sector %lu) status %d (%s)\n", capacity, s, status_name(s));
    printf("blk: done\n");
    return 0;
}
