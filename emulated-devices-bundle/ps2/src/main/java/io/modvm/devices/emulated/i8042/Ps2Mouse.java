package io.modvm.devices.emulated.i8042;

import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;

/**
 * A plain three-button PS/2 mouse that never moves. It answers the probes of Linux's psmouse driver quickly and
 * consistently, so the aux port comes up as a standard mouse instead of timing out command by command.
 */
final class Ps2Mouse extends Ps2Device {
    private static final int SCALING_1_1 = 0xe6;
    private static final int SCALING_2_1 = 0xe7;
    private static final int RESOLUTION = 0xe8;
    private static final int STATUS = 0xe9;
    private static final int STREAM_MODE = 0xea;
    private static final int READ_DATA = 0xeb;
    private static final int RESET_WRAP = 0xec;
    private static final int WRAP_MODE = 0xee;
    private static final int REMOTE_MODE = 0xf0;
    private static final int IDENTIFY = 0xf2;
    private static final int SAMPLE_RATE = 0xf3;
    private static final int ENABLE = 0xf4;
    private static final int DISABLE = 0xf5;
    private static final int DEFAULTS = 0xf6;
    private static final int RESET = 0xff;

    private static final int STANDARD_MOUSE_ID = 0x00;
    /** First byte of a packet with no movement and no buttons; bit 3 is always set there. */
    private static final int IDLE_PACKET_FLAGS = 0x08;

    private int sampleRate;
    private int resolution;
    private boolean scaling21;
    private boolean reporting;
    private boolean remote;
    private boolean wrap;

    Ps2Mouse() {
        restoreDefaults();
    }

    @Override
    void restoreDefaults() {
        sampleRate = 100;
        resolution = 2;
        scaling21 = false;
        reporting = false;
        remote = false;
        wrap = false;
    }

    @Override
    void command(int value) {
        if (wrap && value != RESET_WRAP && value != RESET) {
            reply(value);
            return;
        }
        switch (value) {
            case SCALING_1_1 -> ack(() -> scaling21 = false);
            case SCALING_2_1 -> ack(() -> scaling21 = true);
            case RESOLUTION, SAMPLE_RATE -> {
                reply(ACK);
                expectParameter(value);
            }
            case STATUS -> reply(ACK, statusByte(), resolution, sampleRate);
            case STREAM_MODE -> ack(() -> remote = false);
            case READ_DATA -> {
                reply(ACK);
                reply(IDLE_PACKET_FLAGS, 0, 0);
            }
            case RESET_WRAP -> ack(() -> wrap = false);
            case WRAP_MODE -> ack(() -> wrap = true);
            case REMOTE_MODE -> ack(() -> remote = true);
            case IDENTIFY -> reply(ACK, STANDARD_MOUSE_ID);
            case ENABLE -> ack(() -> reporting = true);
            case DISABLE -> ack(() -> reporting = false);
            case DEFAULTS -> ack(this::restoreDefaults);
            case RESET -> {
                clearOutput();
                restoreDefaults();
                reply(ACK, SELF_TEST_PASSED, STANDARD_MOUSE_ID);
            }
            // A NAK makes a driver's probe for some vendor extension fail at once rather than time out.
            default -> reply(RESEND);
        }
    }

    private void ack(Runnable change) {
        change.run();
        reply(ACK);
    }

    @Override
    void parameter(int command, int value) {
        if (command == RESOLUTION) {
            resolution = value & 0x03;
        } else {
            sampleRate = value;
        }
        reply(ACK);
    }

    static final String STATE_TYPE = "ps2-mouse";
    static final int STATE_VERSION = 1;

    @Override
    StateRecord save() {
        return putQueue(StateRecord.builder(STATE_TYPE, STATE_VERSION)).put("sampleRate", sampleRate)
                .put("resolution", resolution).put("scaling21", scaling21).put("reporting", reporting)
                .put("remote", remote).put("wrap", wrap).build();
    }

    @Override
    void restore(StateRecord r) throws StateException {
        r.require(STATE_TYPE, 1, STATE_VERSION);
        int rate = r.getInt("sampleRate");
        int res = r.getInt("resolution");
        if ((rate & ~0xff) != 0 || (res & ~0x03) != 0) {
            throw new StateException(STATE_TYPE + ": sample rate " + rate + ", resolution " + res + " out of range");
        }
        takeQueue(r);
        sampleRate = rate;
        resolution = res;
        scaling21 = r.getBoolean("scaling21");
        reporting = r.getBoolean("reporting");
        remote = r.getBoolean("remote");
        wrap = r.getBoolean("wrap");
    }

    private int statusByte() {
        return (remote ? 0x40 : 0) | (reporting ? 0x20 : 0) | (scaling21 ? 0x10 : 0);
    }
}
