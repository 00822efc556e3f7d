package io.modvm.devices.emulated.rtc;

import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;

/**
 * What the MC146818 carries across a bundle update, a snapshot or a migration: the 128 CMOS bytes as the chip holds
 * them (time registers as last latched, alarms, registers A to D, the BIOS area), the index register, and the clock
 * as QEMU keeps it: the offset of the guest's time from the host's UTC clock, so that a restored guest's clock goes
 * on from where it was on any host with a set clock, and how long ago register C's flags were last brought up to
 * date, so that the update, alarm and periodic flags owed for the time since then are still raised.
 *
 * @param guestMinusHostNanos guest RTC time minus host UTC time, in nanoseconds
 * @param flagsAgeNanos how long before the save the flags were last brought up to date
 */
record RtcState(byte[] cmos, int index, long guestMinusHostNanos, long flagsAgeNanos) {
    static final String TYPE = Mc146818RtcFactory.TYPE;
    static final int VERSION = 1;
    static final int CMOS_BYTES = 128;

    StateRecord toRecord() {
        return StateRecord.builder(TYPE, VERSION).put("cmos", cmos).put("index", index)
                .put("guestMinusHostNanos", guestMinusHostNanos).put("flagsAgeNanos", flagsAgeNanos).build();
    }

    static RtcState from(StateRecord r) throws StateException {
        r.require(TYPE, 1, VERSION);
        byte[] cmos = r.getBytes("cmos");
        if (cmos.length != CMOS_BYTES) {
            throw new StateException(TYPE + ": " + cmos.length + " CMOS bytes, not " + CMOS_BYTES);
        }
        int index = r.getInt("index");
        if (index < 0 || index >= CMOS_BYTES) {
            throw new StateException(TYPE + ": CMOS index " + index + " outside 0-127");
        }
        long age = r.getLong("flagsAgeNanos");
        if (age < 0) {
            throw new StateException(TYPE + ": flags brought up to date " + age + " ns in the future");
        }
        return new RtcState(cmos, index, r.getLong("guestMinusHostNanos"), age);
    }
}
