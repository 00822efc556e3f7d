package io.modvm.devices.emulated.debugexit;

import io.modvm.api.device.BusHandler;
import io.modvm.api.device.StatefulDevice;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.devices.emulated.support.AccessWidth;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * QEMU's {@code isa-debug-exit}: a write of {@code v} ends the VMM with status {@code (v << 1) | 1}, so a test
 * guest can report pass or fail through the process status and can never be mistaken for a clean exit 0.
 *
 * <p>It keeps no state, but it has one, an empty {@value #STATE_TYPE} record, so that a machine with it can be
 * saved, migrated and carried across an update of its bundle like any other.
 */
public final class IsaDebugExit implements StatefulDevice, BusHandler {
    static final String STATE_TYPE = IsaDebugExitFactory.TYPE;
    static final int STATE_VERSION = 1;

    private static final Logger LOG = LoggerFactory.getLogger(IsaDebugExit.class);
    /** Reads float high, as on an ISA port with no register behind it. */
    private static final long READ_VALUE = 0xffff_ffffL;

    private final String id;
    private final IntConsumer exit;

    /** @param exit receives the process exit status the guest asked for */
    public IsaDebugExit(String id, IntConsumer exit) {
        this.id = id;
        this.exit = exit;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public long read(long offset, int size) {
        return READ_VALUE & AccessWidth.allOnes(size);
    }

    @Override
    public void write(long offset, int size, long value) {
        long written = value & AccessWidth.allOnes(size);
        int status = (int) ((written << 1) | 1);
        LOG.info("{}: guest wrote {} (size {}), exit status {}", id, Long.toHexString(written), size, status);
        exit.accept(status);
    }

    @Override
    public void reset() {
        // No state.
    }

    @Override
    public void quiesce() {
    }

    @Override
    public StateRecord saveState() {
        return StateRecord.builder(STATE_TYPE, STATE_VERSION).build();
    }

    @Override
    public void resume() {
    }

    /** Checks that {@code state} is this device's: there is nothing else to take over. */
    void restoreState(StateRecord state) throws StateException {
        state.require(STATE_TYPE, 1, STATE_VERSION);
    }

    @Override
    public void close() {
        // Owns nothing.
    }
}
