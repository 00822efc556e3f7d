package io.modvm.devices.emulated.rtc;

/**
 * How the MC146818 stores a clock field, as register B selects it: BCD or binary, and for the hour 12-hour with
 * a PM flag in bit 7 or 24-hour. Decoding is lenient, because a guest may write anything into these registers.
 */
record RtcFormat(boolean binary, boolean twentyFourHour) {
    private static final int PM = 0x80;

    int encode(int value) {
        return binary ? value : ((value / 10) << 4) | (value % 10);
    }

    int decode(int register) {
        int value = register & 0xff;
        return binary ? value : ((value >> 4) & 0x0f) * 10 + (value & 0x0f);
    }

    int encodeHour(int hour) {
        if (twentyFourHour) {
            return encode(hour);
        }
        int twelve = hour % 12 == 0 ? 12 : hour % 12;
        return encode(twelve) | (hour >= 12 ? PM : 0);
    }

    int decodeHour(int register) {
        if (twentyFourHour) {
            return decode(register);
        }
        int twelve = decode(register & ~PM) % 12;
        return (register & PM) != 0 ? twelve + 12 : twelve;
    }
}
