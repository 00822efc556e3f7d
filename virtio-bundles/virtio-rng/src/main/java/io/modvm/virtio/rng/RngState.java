package io.modvm.virtio.rng;

import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;

/**
 * What a virtio-rng device carries across a bundle update besides the queue the transport saves: nothing. The
 * entropy source and the rate limit start afresh, and a request being filled is finished before the device stops,
 * so the record only says which device saved it.
 */
record RngState() {
    static final String TYPE = "virtio-rng";
    static final int VERSION = 1;

    StateRecord toRecord() {
        return StateRecord.builder(TYPE, VERSION).build();
    }

    static RngState from(StateRecord r) throws StateException {
        r.require(TYPE, 1, VERSION);
        return new RngState();
    }
}
