package io.modvm.devices.emulated.debugexit;

import io.modvm.api.device.BusHandler;
import io.modvm.api.device.Device;
import io.modvm.devices.emulated.support.AccessWidth;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * QEMU's {@code isa-debug-exit}: a write of {@code v} ends the VMM with status {@code (v << 1) | 1}, so a test
 * guest can report pass or fail through the process status and can never be mistaken for a clean exit 0.
 */
public final class IsaDebugExit implements Device, BusHandler {
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
    public void close() {
        // Owns nothing.
    }
}
