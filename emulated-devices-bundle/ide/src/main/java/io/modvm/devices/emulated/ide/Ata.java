package io.modvm.devices.emulated.ide;

/** The ATA/ATAPI register bits and command codes this controller knows (ATA8-ACS, ATA/ATAPI-6 for the task file). */
final class Ata {
    private Ata() {
    }

    // status register
    static final int BSY = 0x80;
    static final int DRDY = 0x40;
    static final int DSC = 0x10;
    static final int DRQ = 0x08;
    static final int ERR = 0x01;

    // error register
    static final int ABRT = 0x04;
    /** What the error register holds after a reset or a diagnostic: device 0 passed. */
    static final int DIAGNOSTIC_PASSED = 0x01;

    // device control register (0x3F6)
    static final int NIEN = 0x02;
    static final int SRST = 0x04;
    static final int HOB = 0x80;

    // device/head register
    static final int LBA = 0x40;
    static final int DEV = 0x10;
    /** Bits 7 and 5 of device/head, which read as one on the devices of that era. */
    static final int ALWAYS_ON = 0xA0;

    // ATAPI interrupt reason (the sector count register)
    static final int REASON_COD = 0x01;
    static final int REASON_IO = 0x02;

    // commands
    static final int NOP = 0x00;
    static final int DEVICE_RESET = 0x08;
    static final int RECALIBRATE = 0x10;
    static final int READ_SECTORS = 0x20;
    static final int READ_SECTORS_NORETRY = 0x21;
    static final int READ_SECTORS_EXT = 0x24;
    static final int READ_DMA_EXT = 0x25;
    static final int READ_NATIVE_MAX_EXT = 0x27;
    static final int READ_MULTIPLE_EXT = 0x29;
    static final int WRITE_SECTORS = 0x30;
    static final int WRITE_SECTORS_NORETRY = 0x31;
    static final int WRITE_SECTORS_EXT = 0x34;
    static final int WRITE_DMA_EXT = 0x35;
    static final int WRITE_MULTIPLE_EXT = 0x39;
    static final int READ_VERIFY = 0x40;
    static final int READ_VERIFY_NORETRY = 0x41;
    static final int READ_VERIFY_EXT = 0x42;
    static final int SEEK = 0x70;
    static final int EXECUTE_DIAGNOSTIC = 0x90;
    static final int INITIALIZE_PARAMETERS = 0x91;
    static final int PACKET = 0xA0;
    static final int IDENTIFY_PACKET = 0xA1;
    static final int READ_MULTIPLE = 0xC4;
    static final int WRITE_MULTIPLE = 0xC5;
    static final int SET_MULTIPLE = 0xC6;
    static final int READ_DMA = 0xC8;
    static final int READ_DMA_NORETRY = 0xC9;
    static final int WRITE_DMA = 0xCA;
    static final int WRITE_DMA_NORETRY = 0xCB;
    static final int STANDBY_IMMEDIATE = 0xE0;
    static final int IDLE_IMMEDIATE = 0xE1;
    static final int STANDBY = 0xE2;
    static final int IDLE = 0xE3;
    static final int CHECK_POWER_MODE = 0xE5;
    static final int SLEEP = 0xE6;
    static final int FLUSH_CACHE = 0xE7;
    static final int FLUSH_CACHE_EXT = 0xEA;
    static final int IDENTIFY = 0xEC;
    static final int SET_FEATURES = 0xEF;
    static final int READ_NATIVE_MAX = 0xF8;

    // SET FEATURES subcommands
    static final int FEATURE_TRANSFER_MODE = 0x03;

    /** Sectors a READ/WRITE MULTIPLE block may hold at most (IDENTIFY word 47). */
    static final int MAX_MULTIPLE = 16;
    static final int SECTOR = 512;
    static final int CD_SECTOR = 2048;
}
