package io.modvm.devices.emulated.ide;

/**
 * The sectors a transfer still has to move, and how many go at once: a block of READ/WRITE MULTIPLE, one ATA sector,
 * or a handful of CD sectors per buffer fill.
 *
 * @param lba the next sector, in units of {@code sectorSize}
 * @param remaining sectors left after the ones in the buffer
 * @param perFill sectors moved per buffer fill
 * @param sectorSize 512 or 2048
 */
record SectorRun(long lba, long remaining, int perFill, int sectorSize) {
    static final SectorRun NONE = new SectorRun(0, 0, 1, Ata.SECTOR);

    /** Sectors the next fill takes. */
    int nextCount() {
        return (int) Math.min(perFill, remaining);
    }

    /** The run after {@code count} sectors went. */
    SectorRun advance(int count) {
        return new SectorRun(lba + count, remaining - count, perFill, sectorSize);
    }
}
