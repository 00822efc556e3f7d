package io.modvm.core.machine;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides why a run of the vCPUs ends when several things ask at once: a vCPU thread, the monitor, a device and a
 * signal may each post a {@link RunEnd}. The first end of a run counts, except that an end (quit, power-off, error)
 * beats a reset the run loop has not taken yet; such a replaced reset is still announced, as QEMU does (RESET, then
 * SHUTDOWN). The first end also outlives its run, so that a reset racing with it cannot restart the machine.
 * Pure logic: thread-safe, no KVM.
 */
final class RunEndArbiter {
    /** What the run loop announces and does once a run has ended. */
    record Outcome(List<RunEnd> resets, RunEnd end) {
        /** True if the machine starts a new run (a reset, without {@code -no-reboot}). */
        boolean restart() {
            return end == null;
        }
    }

    private RunEnd current;
    /** Whether the run loop has taken {@link #current}; until then a later end may still replace it. */
    private boolean taken;
    private RunEnd replacedReset;
    /** The first end that is not a reset, whichever run it arrived in. */
    private RunEnd ending;

    /** A new run starts: nothing ends it yet (an end that outlived the last run stays, see {@link #pendingEnd}). */
    synchronized void newRun() {
        current = null;
        taken = false;
    }

    /** Records why this run ends: the first of a run counts, except that an end beats a pending reset. */
    synchronized void post(RunEnd e) {
        if (!e.isReset() && ending == null) {
            ending = e;
        }
        if (current == null || current.isReset() && !e.isReset()) {
            if (current != null && !taken && replacedReset == null) {
                replacedReset = current;
            }
            current = e;
            notifyAll();
        }
    }

    /** Waits until this run's end is posted and takes it. */
    synchronized RunEnd await() throws InterruptedException {
        while (current == null) {
            wait();
        }
        taken = true;
        return current;
    }

    /** An end posted in an earlier run (or between runs), which ends the machine without another run; or null. */
    synchronized RunEnd pendingEnd() {
        return ending;
    }

    /**
     * What follows run end {@code e}: the resets to announce (a replaced one first), and whether the machine
     * restarts or ends on {@code e}.
     */
    synchronized Outcome conclude(RunEnd e, boolean noReboot) {
        List<RunEnd> resets = new ArrayList<>();
        if (replacedReset != null && !e.isReset()) {
            resets.add(replacedReset);
        }
        replacedReset = null;
        if (e.isReset()) {
            resets.add(e);
        }
        return new Outcome(List.copyOf(resets), e.isReset() && !noReboot ? null : e);
    }
}
