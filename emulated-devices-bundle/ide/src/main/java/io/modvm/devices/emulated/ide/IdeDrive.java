package io.modvm.devices.emulated.ide;

import static io.modvm.devices.emulated.ide.Ata.*;

import io.modvm.block.DiskImage;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One drive on an IDE channel, master or slave: its copy of the task file, status and error, and the command it is
 * in: an ATA disk (IDENTIFY, READ/WRITE SECTORS and MULTIPLE, READ/WRITE DMA, LBA28, LBA48 and CHS) or an ATAPI
 * CD-ROM (PACKET, whose SCSI commands {@link PacketCommands} answers). Data moves through a buffer the guest reads
 * or fills through the data port, or the bus master engine moves with {@link #runDma}.
 *
 * <p>Every sector number and count the guest gives is checked against the image before anything is read or
 * written; a bad one aborts the command (status ERR, error ABRT). Nothing here throws for anything the guest does.
 * Not thread-safe: the channel's lock guards every call.
 */
final class IdeDrive {
    /** What a drive asks of its channel. */
    interface Channel {
        /** The drive finished a step the guest waits for: raise the channel's interrupt unless nIEN masks it. */
        void interrupt();

        /** A DMA command waits for the bus master engine; it may run at once if the engine was started first. */
        void dmaReady();
    }

    static final int BUFFER_SIZE = 0x10000;
    /** CD sectors per buffer fill, so that a fill never outgrows the buffer. */
    private static final int CD_SECTORS_PER_FILL = BUFFER_SIZE / CD_SECTOR;

    private final boolean cdrom;
    private final DiskImage image;
    private final String serial;
    private final String model;
    private final long sectors;
    private final Complaints complaints;
    private Channel channel;

    // the task file as this drive holds it, and the previous values (HOB) for LBA48
    int feature;
    int nsector;
    int sector;
    int lcyl;
    int hcyl;
    int select = ALWAYS_ON;
    int hobFeature;
    int hobNsector;
    int hobSector;
    int hobLcyl;
    int hobHcyl;
    int status;
    int error;

    // the command in progress
    Phase phase = Phase.IDLE;
    final byte[] buffer = new byte[BUFFER_SIZE];
    int pos;
    int chunkEnd;
    int end;
    SectorRun run = SectorRun.NONE;
    boolean lba48;
    /** The ATAPI byte count limit of the PACKET command in progress. */
    int byteLimit = 0xFFFE;
    boolean packetDma;

    // settings the driver made
    int multiple = MAX_MULTIPLE;
    int dmaMode;

    // ATAPI sense data of the last command
    int senseKey;
    int asc;

    IdeDrive(boolean cdrom, DiskImage image, String serial, String model, Complaints complaints) {
        this.cdrom = cdrom;
        this.image = image;
        this.serial = serial;
        this.model = model;
        this.sectors = image.size() / (cdrom ? CD_SECTOR : SECTOR);
        this.complaints = complaints;
        reset();
    }

    void attach(Channel c) {
        this.channel = c;
    }

    boolean cdrom() {
        return cdrom;
    }

    DiskImage image() {
        return image;
    }

    /** Sectors of the medium: 512 bytes on a disk, 2048 on a CD. */
    long sectors() {
        return sectors;
    }

    String serial() {
        return serial;
    }

    String model() {
        return model;
    }

    // ---- reset and signature ----

    /** Power-on or a reset through SRST or DEVICE RESET: the signature that tells an ATAPI device from a disk. */
    void reset() {
        phase = Phase.IDLE;
        pos = 0;
        end = 0;
        chunkEnd = 0;
        run = SectorRun.NONE;
        byteLimit = 0xFFFE;
        senseKey = 0;
        asc = 0;
        multiple = MAX_MULTIPLE;
        signature();
        error = DIAGNOSTIC_PASSED;
        status = cdrom ? 0 : DRDY | DSC;
    }

    private void signature() {
        select &= 0xF0;
        nsector = 1;
        sector = 1;
        lcyl = cdrom ? 0x14 : 0;
        hcyl = cdrom ? 0xEB : 0;
    }

    /** While SRST is set the drive is busy. */
    void holdInReset() {
        phase = Phase.IDLE;
        status = BSY | DSC;
    }

    // ---- the task file ----

    /** A write to registers 1 to 6; the value written before goes to the HOB copy, as LBA48 wants. */
    void writeTaskFile(int reg, int value) {
        switch (reg) {
            case 1 -> {
                hobFeature = feature;
                feature = value;
            }
            case 2 -> {
                hobNsector = nsector;
                nsector = value;
            }
            case 3 -> {
                hobSector = sector;
                sector = value;
            }
            case 4 -> {
                hobLcyl = lcyl;
                lcyl = value;
            }
            case 5 -> {
                hobHcyl = hcyl;
                hcyl = value;
            }
            case 6 -> select = value | ALWAYS_ON;
            default -> {
            }
        }
    }

    /** Registers 1 to 7 as the guest reads them; with {@code hob} the previous values of 1 to 5. */
    int readTaskFile(int reg, boolean hob) {
        return switch (reg) {
            case 1 -> hob ? hobFeature : error;
            case 2 -> hob ? hobNsector : nsector;
            case 3 -> hob ? hobSector : sector;
            case 4 -> hob ? hobLcyl : lcyl;
            case 5 -> hob ? hobHcyl : hcyl;
            case 6 -> select;
            case 7 -> status;
            default -> 0xFF;
        };
    }

    // ---- commands ----

    /** The guest wrote the command register with this drive selected. */
    void command(int command) {
        if ((status & (BSY | DRQ)) != 0 && command != DEVICE_RESET) {
            // A command while one is in progress is ignored, as QEMU does; DEVICE RESET is the way out.
            return;
        }
        error = 0;
        if (cdrom) {
            cdromCommand(command);
        } else {
            diskCommand(command);
        }
    }

    private void diskCommand(int command) {
        switch (command) {
            case IDENTIFY -> pioIn(IdentifyData.disk(sectors, serial, model, multiple, dmaMode));
            case READ_SECTORS, READ_SECTORS_NORETRY -> startRead(false, 1, false);
            case READ_SECTORS_EXT -> startRead(true, 1, false);
            case READ_MULTIPLE -> startRead(false, multiple, false);
            case READ_MULTIPLE_EXT -> startRead(true, multiple, false);
            case READ_DMA, READ_DMA_NORETRY -> startRead(false, CD_SECTORS_PER_FILL, true);
            case READ_DMA_EXT -> startRead(true, CD_SECTORS_PER_FILL, true);
            case WRITE_SECTORS, WRITE_SECTORS_NORETRY -> startWrite(false, 1, false);
            case WRITE_SECTORS_EXT -> startWrite(true, 1, false);
            case WRITE_MULTIPLE -> startWrite(false, multiple, false);
            case WRITE_MULTIPLE_EXT -> startWrite(true, multiple, false);
            case WRITE_DMA, WRITE_DMA_NORETRY -> startWrite(false, CD_SECTORS_PER_FILL, true);
            case WRITE_DMA_EXT -> startWrite(true, CD_SECTORS_PER_FILL, true);
            case READ_VERIFY, READ_VERIFY_NORETRY, READ_VERIFY_EXT -> verify(command == READ_VERIFY_EXT);
            case SET_MULTIPLE -> setMultiple();
            case FLUSH_CACHE, FLUSH_CACHE_EXT -> flush();
            case READ_NATIVE_MAX -> nativeMax(false);
            case READ_NATIVE_MAX_EXT -> nativeMax(true);
            case SET_FEATURES -> setFeatures();
            case CHECK_POWER_MODE -> {
                nsector = 0xFF;
                complete();
            }
            case IDLE, IDLE_IMMEDIATE, STANDBY, STANDBY_IMMEDIATE, SLEEP, SEEK, RECALIBRATE, INITIALIZE_PARAMETERS ->
                complete();
            case EXECUTE_DIAGNOSTIC -> diagnostic();
            default -> abort();
        }
    }

    private void cdromCommand(int command) {
        switch (command) {
            case PACKET -> startPacket();
            case IDENTIFY_PACKET -> pioIn(IdentifyData.cdrom(serial, model, dmaMode));
            case DEVICE_RESET -> {
                reset();
                // DEVICE RESET completes without an interrupt (ATA8-ACS 7.6).
            }
            case EXECUTE_DIAGNOSTIC -> diagnostic();
            case SET_FEATURES -> setFeatures();
            case CHECK_POWER_MODE -> {
                nsector = 0xFF;
                complete();
            }
            case IDLE_IMMEDIATE, STANDBY_IMMEDIATE, SLEEP -> complete();
            case IDENTIFY -> {
                // A packet device aborts IDENTIFY DEVICE and shows its signature, which is how a driver finds it.
                signature();
                abort();
            }
            default -> abort();
        }
    }

    private void diagnostic() {
        signature();
        error = DIAGNOSTIC_PASSED;
        status = cdrom ? 0 : DRDY | DSC;
        phase = Phase.IDLE;
        channel.interrupt();
    }

    private void setMultiple() {
        int n = nsector;
        if (n == 0 || n > MAX_MULTIPLE || Integer.bitCount(n) != 1) {
            abort();
            return;
        }
        multiple = n;
        complete();
    }

    private void setFeatures() {
        switch (feature) {
            case FEATURE_TRANSFER_MODE -> {
                int mode = nsector & 0xF8;
                if (mode == 0x20 || mode == 0x40) {
                    if ((nsector & 7) > (mode == 0x20 ? 2 : 5)) {
                        abort();
                        return;
                    }
                    dmaMode = nsector;
                } else if (mode != 0x00 && mode != 0x08) {
                    abort();
                    return;
                }
                complete();
            }
            // write cache, read look-ahead, reverting to defaults, and other switches this model always has
            case 0x02, 0x82, 0xAA, 0x55, 0x66, 0xCC, 0x05, 0x85, 0x31, 0x42, 0xC2 -> complete();
            default -> abort();
        }
    }

    private void flush() {
        try {
            image.flush();
        } catch (IOException e) {
            complaints.report("flush failed", e.getMessage());
            abort();
            return;
        }
        complete();
    }

    private void nativeMax(boolean ext) {
        long max = Math.max(0, (ext ? sectors : Math.min(sectors, 0x1000_0000L)) - 1);
        setLba(max, ext);
        complete();
    }

    private void verify(boolean ext) {
        long lba = requestedLba(ext);
        long count = requestedCount(ext);
        if (!inRange(lba, count)) {
            abort();
            return;
        }
        complete();
    }

    // ---- addressing ----

    /** The first sector the task file names, or -1 for a CHS address that names none (sector 0). */
    long requestedLba(boolean ext) {
        if (ext) {
            return (long) hobHcyl << 40 | (long) hobLcyl << 32 | (long) hobSector << 24 | (long) hcyl << 16
                    | (long) lcyl << 8 | sector;
        }
        if ((select & LBA) != 0) {
            return (long) (select & 0x0F) << 24 | (long) hcyl << 16 | (long) lcyl << 8 | sector;
        }
        if (sector == 0) {
            return -1;
        }
        long cylinder = hcyl << 8 | lcyl;
        return (cylinder * IdentifyData.HEADS + (select & 0x0F)) * IdentifyData.SECTORS_PER_TRACK + sector - 1;
    }

    /** The sector count the task file gives: 0 means 256, or 65536 with LBA48. */
    long requestedCount(boolean ext) {
        if (ext) {
            int n = hobNsector << 8 | nsector;
            return n == 0 ? 0x10000 : n;
        }
        return nsector == 0 ? 0x100 : nsector;
    }

    private boolean inRange(long lba, long count) {
        if (lba < 0 || lba > sectors || count > sectors - lba) {
            complaints.report("sector out of range", "sectors " + lba + "+" + count + " on a medium of " + sectors);
            return false;
        }
        return true;
    }

    /** Points the task file at {@code lba}, as a drive does after a transfer and for READ NATIVE MAX. */
    private void setLba(long lba, boolean ext) {
        if (ext) {
            sector = (int) (lba & 0xFF);
            lcyl = (int) (lba >>> 8 & 0xFF);
            hcyl = (int) (lba >>> 16 & 0xFF);
            hobSector = (int) (lba >>> 24 & 0xFF);
            hobLcyl = (int) (lba >>> 32 & 0xFF);
            hobHcyl = (int) (lba >>> 40 & 0xFF);
        } else if ((select & LBA) != 0) {
            sector = (int) (lba & 0xFF);
            lcyl = (int) (lba >>> 8 & 0xFF);
            hcyl = (int) (lba >>> 16 & 0xFF);
            select = select & 0xF0 | (int) (lba >>> 24 & 0x0F);
        } else {
            long perCylinder = (long) IdentifyData.HEADS * IdentifyData.SECTORS_PER_TRACK;
            long cylinder = lba / perCylinder;
            long rest = lba % perCylinder;
            lcyl = (int) (cylinder & 0xFF);
            hcyl = (int) (cylinder >>> 8 & 0xFF);
            select = select & 0xF0 | (int) (rest / IdentifyData.SECTORS_PER_TRACK);
            sector = (int) (rest % IdentifyData.SECTORS_PER_TRACK + 1);
        }
    }

    // ---- ATA transfers ----

    private void startRead(boolean ext, int perFill, boolean dma) {
        long lba = requestedLba(ext);
        long count = requestedCount(ext);
        if (!inRange(lba, count)) {
            abort();
            return;
        }
        lba48 = ext;
        run = new SectorRun(lba, count, perFill, SECTOR);
        pos = 0;
        end = 0;
        chunkEnd = 0;
        if (dma) {
            phase = Phase.DMA_IN;
            status = DRDY | DSC | DRQ;
            channel.dmaReady();
            return;
        }
        if (fill()) {
            phase = Phase.PIO_IN;
            status = DRDY | DSC | DRQ;
            channel.interrupt();
        }
    }

    private void startWrite(boolean ext, int perFill, boolean dma) {
        long lba = requestedLba(ext);
        long count = requestedCount(ext);
        if (image.readOnly()) {
            complaints.report("write to a read-only drive", "sectors " + lba + "+" + count);
            abort();
            return;
        }
        if (!inRange(lba, count)) {
            abort();
            return;
        }
        lba48 = ext;
        run = new SectorRun(lba, count, perFill, SECTOR);
        pos = 0;
        end = run.nextCount() * SECTOR;
        chunkEnd = end;
        status = DRDY | DSC | DRQ;
        if (dma) {
            phase = Phase.DMA_OUT;
            channel.dmaReady();
        } else {
            // The first block is asked for without an interrupt: DRQ is enough (ATA8-ACS PIO data-out protocol).
            phase = Phase.PIO_OUT;
        }
    }

    /** Reads the run's next sectors into the buffer; false (the command aborted) if the image failed. */
    private boolean fill() {
        int count = run.nextCount();
        int bytes = count * run.sectorSize();
        try {
            image.read(ByteBuffer.wrap(buffer, 0, bytes), run.lba() * run.sectorSize());
        } catch (IOException | RuntimeException e) {
            complaints.report("image read failed", e.toString());
            failTransfer();
            return false;
        }
        if (!cdrom) {
            setLba(run.lba() + count - 1, lba48);
        }
        run = run.advance(count);
        pos = 0;
        end = bytes;
        chunkEnd = cdrom ? Math.min(end, byteLimit) : end;
        return true;
    }

    /** Writes the buffer's block to the image; false (the command aborted) if the image failed. */
    private boolean drain() {
        int count = end / SECTOR;
        try {
            image.write(ByteBuffer.wrap(buffer, 0, end), run.lba() * SECTOR);
        } catch (IOException | RuntimeException e) {
            complaints.report("image write failed", e.toString());
            failTransfer();
            return false;
        }
        setLba(run.lba() + count - 1, lba48);
        run = run.advance(count);
        return true;
    }

    // ---- the data port ----

    /** A guest read of {@code size} bytes at the data port. */
    long readData(int size) {
        if (phase != Phase.PIO_IN) {
            return size >= 4 ? 0xFFFF_FFFFL : (1L << (8 * size)) - 1;
        }
        long value = 0;
        for (int i = 0; i < size && pos < chunkEnd; i++) {
            value |= (long) (buffer[pos++] & 0xFF) << (8 * i);
        }
        if (pos >= chunkEnd) {
            chunkRead();
        }
        return value;
    }

    /** A guest write of {@code size} bytes at the data port. */
    void writeData(int size, long value) {
        if (phase != Phase.PIO_OUT && phase != Phase.PACKET) {
            return;
        }
        for (int i = 0; i < size && pos < end; i++) {
            buffer[pos++] = (byte) (value >>> (8 * i));
        }
        if (pos < end) {
            return;
        }
        if (phase == Phase.PACKET) {
            byte[] packet = java.util.Arrays.copyOf(buffer, PacketCommands.PACKET_SIZE);
            PacketCommands.execute(this, packet);
            return;
        }
        if (!drain()) {
            return;
        }
        if (run.remaining() > 0) {
            pos = 0;
            end = run.nextCount() * SECTOR;
            chunkEnd = end;
            channel.interrupt();
        } else {
            complete();
        }
    }

    /** The guest has read a whole chunk: the next one, the next block, or the end of the command. */
    private void chunkRead() {
        if (pos < end) {
            nextChunk();
            return;
        }
        if (run.remaining() > 0) {
            if (fill()) {
                if (cdrom) {
                    nextChunk();
                } else {
                    channel.interrupt();
                }
            }
            return;
        }
        if (cdrom) {
            packetDone();
        } else {
            // The last block of a PIO read ends without an interrupt: the guest has its data.
            phase = Phase.IDLE;
            status = DRDY | DSC;
        }
    }

    // ---- ATAPI ----

    private void startPacket() {
        packetDma = (feature & 1) != 0;
        int limit = lcyl | hcyl << 8;
        // 0 and 0xFFFF are not valid limits; drivers that give them mean "as much as you like".
        byteLimit = limit == 0 || limit == 0xFFFF ? 0xFFFE : limit & ~1;
        if (byteLimit == 0) {
            byteLimit = 2;
        }
        phase = Phase.PACKET;
        pos = 0;
        end = PacketCommands.PACKET_SIZE;
        nsector = nsector & ~7 | REASON_COD;
        status = DRDY | DSC | DRQ;
    }

    /** A packet command's reply data, {@code length} bytes at most, goes to the guest. */
    void replyData(byte[] data, int length) {
        int n = Math.max(0, Math.min(data.length, length));
        System.arraycopy(data, 0, buffer, 0, n);
        run = SectorRun.NONE;
        pos = 0;
        end = n;
        if (n == 0) {
            packetDone();
            return;
        }
        startDataIn();
    }

    /** A packet command reads {@code count} CD sectors from {@code lba}, checked by the caller. */
    void replySectors(long lba, long count) {
        if (count == 0) {
            packetDone();
            return;
        }
        run = new SectorRun(lba, count, CD_SECTORS_PER_FILL, CD_SECTOR);
        pos = 0;
        end = 0;
        if (packetDma) {
            phase = Phase.DMA_IN;
            status = DRDY | DSC | DRQ;
            nsector = nsector & ~7 | REASON_IO;
            channel.dmaReady();
            return;
        }
        if (fill()) {
            startDataIn();
        }
    }

    private void startDataIn() {
        if (packetDma) {
            phase = Phase.DMA_IN;
            status = DRDY | DSC | DRQ;
            nsector = nsector & ~7 | REASON_IO;
            channel.dmaReady();
            return;
        }
        phase = Phase.PIO_IN;
        nextChunk();
    }

    /** Offers the guest the next piece of the buffer, as large as the byte count limit allows. */
    private void nextChunk() {
        int chunk = Math.min(end - pos, byteLimit);
        chunkEnd = pos + chunk;
        lcyl = chunk & 0xFF;
        hcyl = chunk >>> 8 & 0xFF;
        nsector = nsector & ~7 | REASON_IO;
        status = DRDY | DSC | DRQ;
        channel.interrupt();
    }

    /** The packet command succeeded. */
    void packetDone() {
        senseKey = 0;
        asc = 0;
        phase = Phase.IDLE;
        status = DRDY | DSC;
        nsector = nsector & ~7 | REASON_IO | REASON_COD;
        channel.interrupt();
    }

    /** The packet command failed with CHECK CONDITION: the sense REQUEST SENSE will report. */
    void packetError(int key, int ascq) {
        senseKey = key;
        asc = ascq;
        phase = Phase.IDLE;
        error = key << 4 | ABRT;
        status = DRDY | ERR;
        nsector = nsector & ~7 | REASON_IO | REASON_COD;
        channel.interrupt();
    }

    // ---- DMA ----

    boolean dmaPending() {
        return phase == Phase.DMA_IN || phase == Phase.DMA_OUT;
    }

    /**
     * Moves the pending DMA command's data through {@code guest} and completes the command. Returns false if the
     * transfer failed (the command is then aborted, and the caller sets the bus master's error bit).
     */
    boolean runDma(GuestBuffer guest) {
        try {
            if (phase == Phase.DMA_IN) {
                while (true) {
                    if (pos < end) {
                        guest.toGuest(buffer, pos, end - pos);
                        pos = end;
                    }
                    if (run.remaining() == 0) {
                        break;
                    }
                    if (!fill()) {
                        return false;
                    }
                }
            } else if (phase == Phase.DMA_OUT) {
                while (run.remaining() > 0) {
                    end = run.nextCount() * SECTOR;
                    guest.fromGuest(buffer, 0, end);
                    if (!drain()) {
                        return false;
                    }
                }
            } else {
                return true;
            }
        } catch (DmaFault e) {
            complaints.report("DMA failed", e.getMessage());
            failTransfer();
            return false;
        }
        if (cdrom) {
            packetDone();
        } else {
            complete();
        }
        return true;
    }

    // ---- endings ----

    private void pioIn(byte[] data) {
        System.arraycopy(data, 0, buffer, 0, data.length);
        run = SectorRun.NONE;
        pos = 0;
        end = data.length;
        chunkEnd = end;
        phase = Phase.PIO_IN;
        status = DRDY | DSC | DRQ;
        channel.interrupt();
    }

    private void complete() {
        phase = Phase.IDLE;
        status = DRDY | DSC;
        channel.interrupt();
    }

    void abort() {
        phase = Phase.IDLE;
        run = SectorRun.NONE;
        error = ABRT;
        status = DRDY | ERR;
        channel.interrupt();
    }

    /** A transfer failed midway (the image or the guest's buffer): a CD reports a sense, a disk aborts. */
    private void failTransfer() {
        if (cdrom) {
            run = SectorRun.NONE;
            packetError(PacketCommands.SENSE_MEDIUM_ERROR, PacketCommands.ASC_UNRECOVERED_READ);
        } else {
            abort();
        }
    }
}
