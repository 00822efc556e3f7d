package io.modvm.devices.emulated.i8042;

import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import java.util.ArrayDeque;

/**
 * A device on one of the controller's PS/2 ports: it takes command bytes and answers into a small output queue
 * that the controller drains one byte at a time. Not thread-safe: the controller guards it.
 */
abstract class Ps2Device {
    static final int ACK = 0xfa;
    static final int RESEND = 0xfe;
    static final int SELF_TEST_PASSED = 0xaa;

    /** A real device's buffer is this small; a guest that never reads loses the excess, as on hardware. */
    private static final int QUEUE_DEPTH = 16;

    private final ArrayDeque<Integer> output = new ArrayDeque<>();
    /** The command whose parameter byte is expected next, or -1. */
    private int awaitingParameter = -1;

    /** A byte the host sends to the device (the guest's write through the controller). */
    final void write(int value) {
        int command = awaitingParameter;
        awaitingParameter = -1;
        if (command >= 0) {
            parameter(command, value);
        } else {
            command(value);
        }
    }

    abstract void command(int value);

    abstract void parameter(int command, int value);

    /** The device's power-on state, without touching the output queue. */
    abstract void restoreDefaults();

    final void reset() {
        output.clear();
        awaitingParameter = -1;
        restoreDefaults();
    }

    final void expectParameter(int command) {
        awaitingParameter = command;
    }

    final void reply(int... bytes) {
        for (int value : bytes) {
            if (output.size() < QUEUE_DEPTH) {
                output.add(value & 0xff);
            }
        }
    }

    final void clearOutput() {
        output.clear();
    }

    final boolean hasOutput() {
        return !output.isEmpty();
    }

    final int takeOutput() {
        return output.remove();
    }

    /** This device's state: what {@link #putQueue} writes, then the device's own fields. */
    abstract StateRecord save();

    /** Takes a state {@link #save} wrote; the caller has checked nothing, so this does. */
    abstract void restore(StateRecord state) throws StateException;

    /** The state every PS/2 device shares: its output queue, oldest first, and the command awaiting a parameter. */
    final StateRecord.Builder putQueue(StateRecord.Builder b) {
        byte[] queued = new byte[output.size()];
        int i = 0;
        for (int value : output) {
            queued[i++] = (byte) value;
        }
        return b.put("output", queued).put("awaitingParameter", awaitingParameter);
    }

    /** Reads what {@link #putQueue} wrote. */
    final void takeQueue(StateRecord r) throws StateException {
        byte[] queued = r.getBytes("output");
        int awaiting = r.getInt("awaitingParameter");
        if (queued.length > QUEUE_DEPTH || awaiting < -1 || awaiting > 0xff) {
            throw new StateException(r.type() + ": " + queued.length + " bytes queued (at most " + QUEUE_DEPTH
                    + "), awaiting a parameter for " + awaiting);
        }
        output.clear();
        for (byte b : queued) {
            output.add(b & 0xff);
        }
        awaitingParameter = awaiting;
    }
}
