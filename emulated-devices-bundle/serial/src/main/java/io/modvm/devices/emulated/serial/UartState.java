package io.modvm.devices.emulated.serial;

import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;

/**
 * What a 16550A carries across an update of its bundle, a snapshot or a migration: every register the guest can
 * set or read back (the divisor latch included), what LSR and MSR report until they are read, whether a THR-empty
 * interrupt is owed, the receive FIFO with each character's break flag, oldest first, and a host break still
 * waiting for room. The interrupt line's level follows from these, and is driven again on restore. The character
 * backend is not state: the successor takes it again by the id its properties name.
 */
record UartState(int ier, int fcr, int lcr, int mcr, int scr, int divisor, int rbr, int lineErrors, int msrDeltas,
        boolean thrInterruptPending, boolean breakPending, byte[] rx, byte[] rxBreaks) {
    static final String TYPE = SerialConfig.TYPE;
    static final int VERSION = 1;

    StateRecord toRecord() {
        return StateRecord.builder(TYPE, VERSION).put("ier", ier).put("fcr", fcr).put("lcr", lcr).put("mcr", mcr)
                .put("scr", scr).put("divisor", divisor).put("rbr", rbr).put("lineErrors", lineErrors)
                .put("msrDeltas", msrDeltas).put("thrInterruptPending", thrInterruptPending)
                .put("breakPending", breakPending).put("rxFifo", rx).put("rxFifoBreaks", rxBreaks).build();
    }

    /** Reads and checks a record: every register within its width, a FIFO no deeper than the chip's. */
    static UartState from(StateRecord r) throws StateException {
        r.require(TYPE, 1, VERSION);
        byte[] rx = r.getBytes("rxFifo");
        byte[] breaks = r.getBytes("rxFifoBreaks");
        if (rx.length > RxFifo.DEPTH || breaks.length != rx.length) {
            throw new StateException(TYPE + ": a receive FIFO of " + rx.length + " characters with " + breaks.length
                    + " break flags (at most " + RxFifo.DEPTH + ", one flag each)");
        }
        int fcr = register(r, "fcr", 0xff);
        if ((fcr & 0x01) == 0 && rx.length > 1) {
            throw new StateException(TYPE + ": " + rx.length + " characters queued with the FIFO disabled");
        }
        return new UartState(register(r, "ier", 0x0f), fcr, register(r, "lcr", 0xff), register(r, "mcr", 0x1f),
                register(r, "scr", 0xff), register(r, "divisor", 0xffff), register(r, "rbr", 0xff),
                register(r, "lineErrors", 0xff), register(r, "msrDeltas", 0x0f), r.getBoolean("thrInterruptPending"),
                r.getBoolean("breakPending"), rx, breaks);
    }

    private static int register(StateRecord r, String name, int mask) throws StateException {
        long v = r.getLong(name);
        if ((v & ~mask) != 0) {
            throw new StateException(TYPE + "." + name + " = 0x" + Long.toHexString(v) + " is wider than the register");
        }
        return (int) v;
    }
}
