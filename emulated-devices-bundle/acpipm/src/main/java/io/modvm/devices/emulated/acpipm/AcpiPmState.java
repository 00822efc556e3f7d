package io.modvm.devices.emulated.acpipm;

import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;

/**
 * What the ACPI fixed hardware carries across an update of its bundle, a snapshot or a migration: PM1_STS, PM1_EN,
 * the SLP_TYP the guest last wrote, the reset control register, and the PM timer as a count of ticks since the
 * device's epoch, never a host time, so that the guest's timer continues from where it was on any host (as QEMU's
 * does, it does not count the time the machine spent stopped) and TMR_STS is owed for exactly the periods the guest
 * has not yet seen.
 *
 * @param timerTicks the PM timer's full tick count (all bits, not just the 24 the guest reads)
 * @param timerPeriod the bit-23 period of the count when TMR_STS was last brought up to date
 */
record AcpiPmState(int status, int enable, int sleepType, int resetRegister, long timerTicks, long timerPeriod) {
    static final String TYPE = AcpiPmFactory.TYPE;
    static final int VERSION = 1;

    StateRecord toRecord() {
        return StateRecord.builder(TYPE, VERSION).put("pm1Status", status).put("pm1Enable", enable)
                .put("sleepType", sleepType).put("resetControl", resetRegister).put("timerTicks", timerTicks)
                .put("timerPeriod", timerPeriod).build();
    }

    static AcpiPmState from(StateRecord r) throws StateException {
        r.require(TYPE, 1, VERSION);
        long ticks = r.getLong("timerTicks");
        long period = r.getLong("timerPeriod");
        if (ticks < 0 || period < 0 || period > ticks >>> 23) {
            throw new StateException(TYPE + ": PM timer at " + ticks + " ticks with TMR_STS seen up to period "
                    + period);
        }
        return new AcpiPmState(bits(r, "pm1Status", 0xffff), bits(r, "pm1Enable", 0xffff), bits(r, "sleepType", 7),
                bits(r, "resetControl", 0xff), ticks, period);
    }

    private static int bits(StateRecord r, String name, int mask) throws StateException {
        long v = r.getLong(name);
        if ((v & ~mask) != 0) {
            throw new StateException(TYPE + "." + name + " = 0x" + Long.toHexString(v) + " is wider than the register");
        }
        return (int) v;
    }
}
