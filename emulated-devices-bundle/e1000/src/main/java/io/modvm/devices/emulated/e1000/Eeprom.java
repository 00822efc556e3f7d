package io.modvm.devices.emulated.e1000;

/**
 * The 82540EM's 64-word EEPROM (a 93C46 serial part; SDM section 5.6, table 5-2): the Ethernet address in words 0 to
 * 2, the PCI identity and initialization control words the controller loads at power-on, and in word 0x3F the
 * checksum, chosen so that words 0 to 0x3F add up to 0xBABA. Drivers refuse an EEPROM whose sum is wrong. Read-only
 * here: the driver reads it bit by bit through EECD ({@link MicrowireEeprom}) or a word at a time through EERD.
 */
final class Eeprom {
    static final int WORDS = 64;
    static final int CHECKSUM_WORD = 0x3F;
    static final int SUM = 0xBABA;

    static final int EERD_START = 1;
    static final int EERD_DONE = 1 << 4;
    static final int EERD_ADDR_SHIFT = 8;
    static final int EERD_DATA_SHIFT = 16;

    /** Initialization control word 1: signature 01b (a valid image), load the PCI and subsystem IDs. */
    private static final int ICW1 = 0x4000 | 0x0002 | 0x0001;
    /** Initialization control word 2: symmetric and asymmetric PAUSE advertised. */
    private static final int ICW2 = 0x3000;
    /** An unprogrammed word (the LED and other optional words: drivers take their defaults). */
    private static final int BLANK = 0xFFFF;

    private final int[] words = new int[WORDS];

    Eeprom(byte[] mac, int deviceId, int subsystemVendorId, int subsystemId) {
        java.util.Arrays.fill(words, BLANK);
        for (int i = 0; i < 3; i++) {
            words[i] = (mac[2 * i] & 0xff) | (mac[2 * i + 1] & 0xff) << 8;
        }
        words[0x03] = 0;
        words[0x05] = 0;
        words[0x0A] = ICW1;
        words[0x0B] = subsystemId;
        words[0x0C] = subsystemVendorId;
        words[0x0D] = deviceId;
        words[0x0E] = E1000Factory.VENDOR_ID;
        words[0x0F] = ICW2;
        int sum = 0;
        for (int i = 0; i < CHECKSUM_WORD; i++) {
            sum += words[i];
        }
        words[CHECKSUM_WORD] = (SUM - sum) & 0xFFFF;
    }

    /** Word {@code index}; an index past the end reads as an unprogrammed word. */
    int word(int index) {
        return index >= 0 && index < WORDS ? words[index] : BLANK;
    }

    /**
     * What EERD reads after the driver wrote {@code request}: with Start set, the word at the address, Done set;
     * without, the request as written (no read happens).
     */
    static int eerd(Eeprom eeprom, int request) {
        if ((request & EERD_START) == 0) {
            return request;
        }
        int address = (request >>> EERD_ADDR_SHIFT) & 0xFF;
        return eeprom.word(address) << EERD_DATA_SHIFT | address << EERD_ADDR_SHIFT | EERD_DONE;
    }
}
