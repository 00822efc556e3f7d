package io.modvm.devices.emulated.i8042;

import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import java.util.function.BooleanSupplier;

/**
 * An MF2 keyboard, as far as a driver probing it can tell: it acknowledges commands, resets with a passed self
 * test and identifies itself. No keys are ever pressed.
 */
final class Ps2Keyboard extends Ps2Device {
    private static final int SET_LEDS = 0xed;
    private static final int ECHO = 0xee;
    private static final int SCANCODE_SET = 0xf0;
    private static final int IDENTIFY = 0xf2;
    private static final int TYPEMATIC = 0xf3;
    private static final int ENABLE = 0xf4;
    private static final int DISABLE = 0xf5;
    private static final int DEFAULTS = 0xf6;
    private static final int RESET = 0xff;

    private static final int ID_FIRST = 0xab;
    private static final int ID_SECOND = 0x83;
    /** The ID's second byte as it appears through the controller's translation; QEMU reports the same. */
    private static final int TRANSLATED_ID_SECOND = 0x41;

    /** Whether the controller translates what the keyboard sends (controller command byte bit 6). */
    private final BooleanSupplier translated;

    private int scancodeSet;
    // LED, typematic and scanning state have no effect without key input, but they are the keyboard's state
    // a later snapshot must carry.
    private int leds;
    private int typematic;
    private boolean scanning;

    Ps2Keyboard(BooleanSupplier translated) {
        this.translated = translated;
        restoreDefaults();
    }

    @Override
    void restoreDefaults() {
        scancodeSet = 2;
        leds = 0;
        typematic = 0x2b;
        scanning = true;
    }

    @Override
    void command(int value) {
        switch (value) {
            case SET_LEDS:
            case TYPEMATIC:
            case SCANCODE_SET:
                reply(ACK);
                expectParameter(value);
                break;
            case ECHO:
                reply(ECHO);
                break;
            case IDENTIFY:
                reply(ACK, ID_FIRST, translated.getAsBoolean() ? TRANSLATED_ID_SECOND : ID_SECOND);
                break;
            case ENABLE:
                scanning = true;
                reply(ACK);
                break;
            case DISABLE:
                restoreDefaults();
                scanning = false;
                reply(ACK);
                break;
            case DEFAULTS:
                restoreDefaults();
                reply(ACK);
                break;
            case RESET:
                clearOutput();
                restoreDefaults();
                reply(ACK, SELF_TEST_PASSED);
                break;
            default:
                // Everything else a driver sends (resend, make/break modes) needs nothing but an ACK here.
                reply(ACK);
                break;
        }
    }

    @Override
    void parameter(int command, int value) {
        switch (command) {
            case SET_LEDS:
                leds = value & 0x07;
                reply(ACK);
                break;
            case TYPEMATIC:
                typematic = value & 0x7f;
                reply(ACK);
                break;
            default:
                scancodeSet(value);
                break;
        }
    }

    private void scancodeSet(int value) {
        if (value == 0) {
            reply(ACK, translated.getAsBoolean() ? translatedSetNumber() : scancodeSet);
        } else if (value <= 3) {
            scancodeSet = value;
            reply(ACK);
        } else {
            reply(RESEND);
        }
    }

    static final String STATE_TYPE = "ps2-keyboard";
    static final int STATE_VERSION = 1;

    @Override
    StateRecord save() {
        return putQueue(StateRecord.builder(STATE_TYPE, STATE_VERSION)).put("scancodeSet", scancodeSet)
                .put("leds", leds).put("typematic", typematic).put("scanning", scanning).build();
    }

    @Override
    void restore(StateRecord r) throws StateException {
        r.require(STATE_TYPE, 1, STATE_VERSION);
        int set = r.getInt("scancodeSet");
        int ledBits = r.getInt("leds");
        int rate = r.getInt("typematic");
        if (set < 1 || set > 3 || (ledBits & ~0x07) != 0 || (rate & ~0x7f) != 0) {
            throw new StateException(STATE_TYPE + ": scancode set " + set + ", LEDs " + ledBits + ", typematic "
                    + rate + " out of range");
        }
        takeQueue(r);
        scancodeSet = set;
        leds = ledBits;
        typematic = rate;
        scanning = r.getBoolean("scanning");
    }

    /** The set number as the controller's set-2-to-set-1 translation passes it on. */
    private int translatedSetNumber() {
        return switch (scancodeSet) {
            case 1 -> 0x43;
            case 3 -> 0x3f;
            default -> 0x41;
        };
    }
}
