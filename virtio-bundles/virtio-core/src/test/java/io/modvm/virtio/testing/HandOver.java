package io.modvm.virtio.testing;

import io.modvm.api.device.StatefulDevice;
import io.modvm.api.state.StateCodec;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import java.util.Arrays;

/**
 * The device manager's half of a hand-over, as a test plays it: quiesce the old instance, take its state, send it
 * through the byte codec (checking that the bytes decode and encode back to the same bytes), and close the old
 * instance, which must leave the guest-visible slot alone.
 */
public final class HandOver {
    private HandOver() {
    }

    /** Quiesces and saves {@code old}, closes it, and returns its state as the new instance will read it. */
    public static StateRecord takeState(StatefulDevice old) throws StateException {
        old.quiesce();
        StateRecord state = old.saveState();
        old.close();
        return throughCodec(state);
    }

    /** {@code state} encoded and decoded; fails unless the decoded record equals it and encodes to the same bytes. */
    public static StateRecord throughCodec(StateRecord state) throws StateException {
        byte[] bytes = StateCodec.encode(state);
        StateRecord decoded = StateCodec.decode(bytes);
        if (!decoded.equals(state)) {
            throw new AssertionError("decoded state differs: " + decoded + " vs " + state);
        }
        if (!Arrays.equals(bytes, StateCodec.encode(decoded))) {
            throw new AssertionError("state does not encode to the same bytes after a round trip");
        }
        return decoded;
    }

    /** {@code state} with its field {@code device} (the device's own record) replaced by {@code device}. */
    public static StateRecord withDevice(StateRecord state, StateRecord device) throws StateException {
        StateRecord.Builder b = StateRecord.builder(state.type(), state.version());
        for (String name : state.names()) {
            if (name.equals("device")) {
                b.put(name, device);
            } else if (name.equals("queues")) {
                b.put(name, state.getRecords(name));
            } else if (name.equals("active")) {
                b.put(name, state.getBoolean(name));
            } else if (name.equals("mode")) {
                b.put(name, state.getString(name));
            } else {
                b.put(name, state.getLong(name));
            }
        }
        return b.build();
    }

    /** {@code state} with its top-level version replaced, for tests of refusal. */
    public static StateRecord withVersion(StateRecord state, int version) throws StateException {
        byte[] bytes = StateCodec.encode(state);
        int typeLength = (bytes[4] & 0xFF) | (bytes[5] & 0xFF) << 8;
        int at = 4 + 2 + typeLength;
        bytes[at] = (byte) version;
        bytes[at + 1] = (byte) (version >>> 8);
        return StateCodec.decode(bytes);
    }
}
