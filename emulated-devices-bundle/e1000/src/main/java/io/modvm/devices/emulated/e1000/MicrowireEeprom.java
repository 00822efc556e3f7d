package io.modvm.devices.emulated.e1000;

/**
 * The EEPROM as EECD shows it to a driver that clocks it by hand (SDM 5.6.1, and the 93C46's data sheet), which is
 * how Linux's e1000 reads an 82540: it raises CS, shifts in a start bit, the READ opcode (10b) and six address bits
 * on DI, one per rising edge of SK, then reads the word on DO, most significant bit first, one per clock. After the
 * address the part drives a dummy 0, and goes on to the next word for as long as the clock runs. Lowering CS ends
 * the command. The state is plain data, saved and restored with the device.
 */
final class MicrowireEeprom {
    static final int SK = 1;
    static final int CS = 1 << 1;
    static final int DI = 1 << 2;
    static final int DO = 1 << 3;
    static final int FWE_MASK = 3 << 4;
    static final int REQ = 1 << 6;
    static final int GNT = 1 << 7;
    static final int PRES = 1 << 8;
    /** The bits of EECD the driver drives; the rest are the controller's. */
    private static final int DRIVEN = SK | CS | DI | FWE_MASK | REQ;
    /** Start bit, two opcode bits, six address bits. */
    private static final int COMMAND_BITS = 9;
    private static final int READ_COMMAND = 0b110;

    private final Eeprom eeprom;
    private int driven;
    private int bitsIn;
    private int shifted;
    private boolean reading;
    private int address;
    /** Bit of the output stream DO shows: -1 is the dummy 0, then 16 bits a word from {@link #address}. */
    private int position;

    MicrowireEeprom(Eeprom eeprom) {
        this.eeprom = eeprom;
    }

    /** EECD as the driver reads it: present, access always granted, the bits it drives, and DO. */
    int read() {
        return PRES | GNT | driven | (dataOut() ? DO : 0);
    }

    /** Idle, DO floats high; the dummy bit is 0. */
    private boolean dataOut() {
        if (!reading) {
            return true;
        }
        if (position < 0) {
            return false;
        }
        int word = eeprom.word((address + position / 16) % Eeprom.WORDS);
        return (word >>> (15 - position % 16) & 1) != 0;
    }

    void write(int value) {
        int before = driven;
        driven = value & DRIVEN;
        if ((value & CS) == 0) {
            reading = false;
            return;
        }
        if ((before & CS) == 0) {
            bitsIn = 0;
            shifted = 0;
            reading = false;
        }
        boolean rising = (value & SK) != 0 && (before & SK) == 0;
        boolean falling = (value & SK) == 0 && (before & SK) != 0;
        if (rising && !reading && bitsIn < COMMAND_BITS) {
            shifted = shifted << 1 | ((value & DI) != 0 ? 1 : 0);
            if (++bitsIn == COMMAND_BITS) {
                reading = (shifted >>> 6 & 0b111) == READ_COMMAND;
                address = shifted & 0x3F;
                position = -1;
            }
        } else if (falling && reading) {
            position = (position + 1) % (Eeprom.WORDS * 16);
        }
    }

    /** The shift state, for a hand-over: driven bits, bits in, bits shifted, reading, address, position. */
    int[] save() {
        return new int[] {driven, bitsIn, shifted, reading ? 1 : 0, address, position};
    }

    void restore(int[] s) {
        driven = s[0] & DRIVEN;
        bitsIn = Math.max(0, Math.min(s[1], COMMAND_BITS));
        shifted = s[2] & 0x1FF;
        reading = s[3] != 0;
        address = s[4] & 0x3F;
        position = Math.max(-1, Math.min(s[5], Eeprom.WORDS * 16 - 1));
    }

    /** Back to power-on: CS low, nothing shifted in. */
    void reset() {
        driven = 0;
        bitsIn = 0;
        shifted = 0;
        reading = false;
        address = 0;
        position = 0;
    }
}
