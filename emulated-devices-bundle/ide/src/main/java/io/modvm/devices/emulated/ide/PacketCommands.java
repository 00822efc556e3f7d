package io.modvm.devices.emulated.ide;

import java.nio.charset.StandardCharsets;

/**
 * The SCSI commands an ATAPI CD-ROM answers (MMC-6 and SPC-4, the subset SeaBIOS's El Torito boot and Linux's sr
 * driver use): TEST UNIT READY, REQUEST SENSE, INQUIRY, READ CAPACITY, READ(10) and READ(12), MODE SENSE(6) and
 * (10), GET CONFIGURATION, GET EVENT STATUS NOTIFICATION, READ TOC, START STOP UNIT and PREVENT ALLOW MEDIUM
 * REMOVAL. Anything else ends in CHECK CONDITION with ILLEGAL REQUEST, as on a drive that does not know it. The
 * medium is always present and never changes.
 */
final class PacketCommands {
    static final int PACKET_SIZE = 12;

    static final int SENSE_NONE = 0;
    static final int SENSE_MEDIUM_ERROR = 3;
    static final int SENSE_ILLEGAL_REQUEST = 5;
    static final int ASC_UNRECOVERED_READ = 0x11;
    static final int ASC_INVALID_OPCODE = 0x20;
    static final int ASC_LBA_OUT_OF_RANGE = 0x21;
    static final int ASC_INVALID_FIELD = 0x24;

    private static final int TEST_UNIT_READY = 0x00;
    private static final int REQUEST_SENSE = 0x03;
    private static final int INQUIRY = 0x12;
    private static final int MODE_SENSE_6 = 0x1A;
    private static final int START_STOP_UNIT = 0x1B;
    private static final int PREVENT_ALLOW = 0x1E;
    private static final int READ_CAPACITY = 0x25;
    private static final int READ_10 = 0x28;
    private static final int SEEK_10 = 0x2B;
    private static final int READ_TOC = 0x43;
    private static final int GET_CONFIGURATION = 0x46;
    private static final int GET_EVENT_STATUS = 0x4A;
    private static final int MODE_SENSE_10 = 0x5A;
    private static final int READ_12 = 0xA8;

    /** The profile of a CD-ROM, and of a DVD-ROM for media larger than a CD holds (as QEMU decides). */
    private static final int PROFILE_CD = 0x0008;
    private static final int PROFILE_DVD = 0x0010;
    private static final long CD_MAX_SECTORS = 400_800;

    private PacketCommands() {
    }

    /** Runs {@code packet} on {@code drive}, which then offers the reply or reports the error. */
    static void execute(IdeDrive drive, byte[] p) {
        int opcode = p[0] & 0xFF;
        switch (opcode) {
            case TEST_UNIT_READY, START_STOP_UNIT, PREVENT_ALLOW, SEEK_10 -> drive.packetDone();
            case REQUEST_SENSE -> requestSense(drive, p[4] & 0xFF);
            case INQUIRY -> drive.replyData(inquiry(drive), u16(p, 3));
            case READ_CAPACITY -> drive.replyData(readCapacity(drive), 8);
            case READ_10 -> read(drive, u32(p, 2), u16(p, 7));
            case READ_12 -> read(drive, u32(p, 2), u32(p, 6));
            case MODE_SENSE_6 -> modeSense(drive, p[2] & 0x3F, p[4] & 0xFF, false);
            case MODE_SENSE_10 -> modeSense(drive, p[2] & 0x3F, u16(p, 7), true);
            case READ_TOC -> readToc(drive, p);
            case GET_CONFIGURATION -> drive.replyData(configuration(drive), u16(p, 7));
            case GET_EVENT_STATUS -> eventStatus(drive, p);
            default -> drive.packetError(SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE);
        }
    }

    private static void requestSense(IdeDrive drive, int allocation) {
        byte[] sense = new byte[18];
        sense[0] = 0x70;
        sense[2] = (byte) drive.senseKey;
        sense[7] = 10;
        sense[12] = (byte) drive.asc;
        int length = Math.min(allocation, sense.length);
        // REQUEST SENSE itself succeeds and clears what it reports.
        drive.senseKey = SENSE_NONE;
        drive.asc = 0;
        drive.replyData(sense, length);
    }

    private static byte[] inquiry(IdeDrive drive) {
        byte[] b = new byte[36];
        b[0] = 0x05;
        b[1] = (byte) 0x80;
        b[2] = 0x05;
        b[3] = 0x32;
        b[4] = 31;
        ascii(b, 8, 8, "QEMU");
        ascii(b, 16, 16, drive.model());
        ascii(b, 32, 4, IdentifyData.FIRMWARE);
        return b;
    }

    private static byte[] readCapacity(IdeDrive drive) {
        byte[] b = new byte[8];
        put32(b, 0, Math.max(0, drive.sectors() - 1));
        put32(b, 4, Ata.CD_SECTOR);
        return b;
    }

    private static void read(IdeDrive drive, long lba, long count) {
        if (lba + count > drive.sectors()) {
            drive.packetError(SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
            return;
        }
        drive.replySectors(lba, count);
    }

    private static void modeSense(IdeDrive drive, int page, int allocation, boolean ten) {
        byte[] pages;
        if (page == 0x2A || page == 0x3F) {
            pages = capabilitiesPage();
        } else if (page == 0x01) {
            pages = new byte[] {0x01, 0x06, 0, 5, 0, 0, 0, 0};
        } else {
            drive.packetError(SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
            return;
        }
        int header = ten ? 8 : 4;
        byte[] b = new byte[header + pages.length];
        if (ten) {
            put16(b, 0, b.length - 2);
            b[2] = 0x70;
        } else {
            b[0] = (byte) (b.length - 1);
            b[1] = 0x70;
        }
        System.arraycopy(pages, 0, b, header, pages.length);
        drive.replyData(b, allocation);
    }

    /** Mode page 2Ah, CD/DVD capabilities: reads CD-R/RW and DVD, ejects, locks, audio play off. */
    private static byte[] capabilitiesPage() {
        byte[] c = new byte[28];
        c[0] = 0x2A;
        c[1] = 26;
        c[2] = 0x3B;
        c[4] = 0x71;
        c[5] = 0x60;
        c[6] = 0x29;
        put16(c, 8, 706);
        put16(c, 10, 2);
        put16(c, 12, 512);
        put16(c, 14, 706);
        return c;
    }

    private static void readToc(IdeDrive drive, byte[] p) {
        boolean msf = (p[1] & 2) != 0;
        int format = p[2] & 0x0F;
        if (format == 0 && (p[9] & 0xC0) != 0) {
            format = (p[9] & 0xC0) >>> 6;
        }
        int allocation = u16(p, 7);
        if (format == 0) {
            byte[] b = new byte[20];
            put16(b, 0, 18);
            b[2] = 1;
            b[3] = 1;
            track(b, 4, 1, 0, msf);
            track(b, 12, 0xAA, drive.sectors(), msf);
            drive.replyData(b, allocation);
        } else if (format == 1) {
            byte[] b = new byte[12];
            put16(b, 0, 10);
            b[2] = 1;
            b[3] = 1;
            track(b, 4, 1, 0, msf);
            drive.replyData(b, allocation);
        } else {
            drive.packetError(SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
        }
    }

    /** One track descriptor: a data track, its number and start address. */
    private static void track(byte[] b, int at, int number, long lba, boolean msf) {
        b[at + 1] = 0x14;
        b[at + 2] = (byte) number;
        if (msf) {
            long frames = lba + 150;
            b[at + 5] = (byte) (frames / 75 / 60);
            b[at + 6] = (byte) (frames / 75 % 60);
            b[at + 7] = (byte) (frames % 75);
        } else {
            put32(b, at + 4, lba);
        }
    }

    private static byte[] configuration(IdeDrive drive) {
        byte[] b = new byte[8];
        put32(b, 0, 4);
        put16(b, 6, drive.sectors() > CD_MAX_SECTORS ? PROFILE_DVD : PROFILE_CD);
        return b;
    }

    /** Only polled requests are supported; the media class reports a medium present and no event. */
    private static void eventStatus(IdeDrive drive, byte[] p) {
        if ((p[1] & 1) == 0) {
            drive.packetError(SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
            return;
        }
        byte[] b = new byte[8];
        put16(b, 0, 6);
        b[2] = 0x04;
        b[3] = 0x10;
        b[5] = 0x02;
        drive.replyData(b, u16(p, 7));
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | b[at + 1] & 0xFF;
    }

    private static long u32(byte[] b, int at) {
        return (long) (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | b[at + 3] & 0xFF;
    }

    private static void put16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    private static void put32(byte[] b, int at, long v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static void ascii(byte[] b, int at, int length, String s) {
        byte[] t = s.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < length; i++) {
            b[at + i] = i < t.length ? t[i] : (byte) ' ';
        }
    }
}
