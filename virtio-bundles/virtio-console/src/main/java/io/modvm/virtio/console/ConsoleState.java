package io.modvm.virtio.console;

import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;

/**
 * What a console carries across a bundle update besides the queues the transport saves: the host input it had
 * buffered for the guest and not yet delivered, oldest byte first. Requests the guest made are all finished before
 * the device stops, so none is in flight.
 *
 * @param input the buffered host input
 */
record ConsoleState(byte[] input) {
    static final String TYPE = "virtio-console";
    static final int VERSION = 1;

    StateRecord toRecord() {
        return StateRecord.builder(TYPE, VERSION).put("input", input).build();
    }

    /** Reads a saved state whose input must fit a buffer of {@code capacity} bytes. */
    static ConsoleState from(StateRecord r, int capacity) throws StateException {
        r.require(TYPE, 1, VERSION);
        byte[] input = r.getBytes("input");
        if (input.length > capacity) {
            throw new StateException(TYPE + ": " + input.length + " bytes of buffered input; this device holds "
                    + capacity);
        }
        return new ConsoleState(input);
    }
}
