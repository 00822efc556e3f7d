package io.modvm.devices.emulated.e1000;

/**
 * The interrupt causes (ICR), their mask (IMS/IMC) and the throttle (ITR), and the INTx line they drive (SDM 13.4.17
 * to 13.4.22): the line is asserted while a cause is set that the mask lets through, and reading ICR clears every
 * cause, which deasserts it. With ITR non-zero the line rises at most once an interval of ITR × 256 ns: a cause
 * that comes sooner raises it when the interval ends. Thread-safe: vCPU threads, the receive and transmit threads
 * and the throttle's timer all come here.
 */
final class Interrupts {
    /** Where the level goes: the PCI function's INTx. */
    @FunctionalInterface
    interface Line {
        void set(boolean asserted);
    }

    /** Runs a task after a delay; returns what cancels it. */
    @FunctionalInterface
    interface Timer {
        Runnable schedule(Runnable task, long delayNanos);
    }

    /** The throttle interval's unit: ITR counts 256 ns. */
    static final long ITR_UNIT_NANOS = 256;

    private final Line line;
    private final Timer timer;
    private final java.util.function.LongSupplier clock;
    private int icr;
    private int ims;
    private int itr;
    private boolean asserted;
    private boolean raisedBefore;
    private long lastRaise;
    private Runnable cancelPending;

    Interrupts(Line line, Timer timer, java.util.function.LongSupplier nanoClock) {
        this.line = line;
        this.timer = timer;
        this.clock = nanoClock;
    }

    /** Sets causes (the device's events, and the driver's writes to ICS). */
    synchronized void cause(int bits) {
        icr |= bits;
        update();
    }

    /** ICR as a read returns it; the read clears it. */
    synchronized int readAndClear() {
        int value = icr;
        icr = 0;
        update();
        return value;
    }

    /** ICR without clearing it: what ICS reads. */
    synchronized int pending() {
        return icr;
    }

    /** A write to ICR clears the causes whose bits are set. */
    synchronized void clear(int bits) {
        icr &= ~bits;
        update();
    }

    synchronized void unmask(int bits) {
        ims |= bits;
        update();
    }

    synchronized void mask(int bits) {
        ims &= ~bits;
        update();
    }

    synchronized int mask() {
        return ims;
    }

    synchronized void setThrottle(int value) {
        itr = value & 0xFFFF;
        update();
    }

    synchronized int throttle() {
        return itr;
    }

    /** Power-on: no cause, everything masked, no throttle, the line low. */
    synchronized void reset() {
        icr = 0;
        ims = 0;
        itr = 0;
        raisedBefore = false;
        update();
    }

    /** Takes over saved causes and mask (a hand-over) and drives the line to match. */
    synchronized void restore(int savedIcr, int savedIms, int savedItr) {
        icr = savedIcr;
        ims = savedIms;
        itr = savedItr & 0xFFFF;
        // The line is the function's, which the old instance may have left either way: say the level once.
        boolean want = (icr & ims) != 0;
        asserted = !want;
        setLine(want);
        lastRaise = clock.getAsLong();
        raisedBefore = want;
    }

    private void update() {
        if ((icr & ims) == 0) {
            cancelPending();
            setLine(false);
            return;
        }
        if (asserted || cancelPending != null) {
            return;
        }
        long now = clock.getAsLong();
        long interval = itr * ITR_UNIT_NANOS;
        long wait = raisedBefore ? lastRaise + interval - now : 0;
        if (itr == 0 || wait <= 0) {
            lastRaise = now;
            raisedBefore = true;
            setLine(true);
        } else {
            cancelPending = timer.schedule(this::intervalEnded, wait);
        }
    }

    private synchronized void intervalEnded() {
        cancelPending = null;
        update();
    }

    private void cancelPending() {
        if (cancelPending != null) {
            cancelPending.run();
            cancelPending = null;
        }
    }

    private void setLine(boolean level) {
        if (level != asserted) {
            asserted = level;
            line.set(level);
        }
    }
}
