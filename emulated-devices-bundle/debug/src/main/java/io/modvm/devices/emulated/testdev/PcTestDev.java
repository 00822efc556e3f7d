package io.modvm.devices.emulated.testdev;

import io.modvm.api.device.BusHandler;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.StatefulDevice;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;

/**
 * QEMU's {@code pc-testdev} as kvm-unit-tests uses it: a 4-byte port scratch register at 0xe0, an ignored
 * "flush page" port at 0xe4, an interrupt-pulse port at 0xe8 and a page of scratch MMIO at 0xe0000000. Its
 * only purpose is to let a guest prove that port and MMIO dispatch reach the right device.
 *
 * <p>Its state, a {@value #STATE_TYPE} record, is the two scratch areas: a guest that wrote them reads back the
 * same after a bundle update, a snapshot or a migration.
 */
public final class PcTestDev implements StatefulDevice {
    static final String STATE_TYPE = PcTestDevFactory.TYPE;
    static final int STATE_VERSION = 1;
    public static final int SCRATCH_PORT = 0xe0;
    public static final int FLUSH_PORT = 0xe4;
    public static final int IRQ_PORT = 0xe8;
    public static final int PORT_WIDTH = 4;
    public static final long MMIO_BASE = 0xe000_0000L;
    public static final int MMIO_LENGTH = 0x1000;

    private final String id;
    private final ScratchMemory scratchPort = new ScratchMemory(PORT_WIDTH);
    private final ScratchMemory mmio = new ScratchMemory(MMIO_LENGTH);
    private final BusHandler flushPort = new IgnoredPort();
    private final IrqPulsePort irqPort;

    public PcTestDev(String id, DeviceContext context) {
        this.id = id;
        this.irqPort = new IrqPulsePort(id, context);
    }

    @Override
    public String id() {
        return id;
    }

    public BusHandler scratchPort() {
        return scratchPort;
    }

    /** QEMU flushes a page of translated code here; under KVM there is nothing to flush. */
    public BusHandler flushPort() {
        return flushPort;
    }

    public BusHandler irqPort() {
        return irqPort;
    }

    public BusHandler mmio() {
        return mmio;
    }

    @Override
    public void reset() {
        scratchPort.clear();
        mmio.clear();
    }

    @Override
    public void quiesce() {
    }

    @Override
    public StateRecord saveState() {
        return StateRecord.builder(STATE_TYPE, STATE_VERSION).put("scratchPort", scratchPort.contents())
                .put("scratchMmio", mmio.contents()).build();
    }

    @Override
    public void resume() {
    }

    /** Takes over a predecessor's scratch areas. */
    void restoreState(StateRecord state) throws StateException {
        state.require(STATE_TYPE, 1, STATE_VERSION);
        byte[] port = state.getBytes("scratchPort");
        byte[] page = state.getBytes("scratchMmio");
        if (port.length != scratchPort.length() || page.length != mmio.length()) {
            throw new StateException(STATE_TYPE + ": scratch areas of " + port.length + " and " + page.length
                    + " bytes, not " + scratchPort.length() + " and " + mmio.length());
        }
        scratchPort.load(port);
        mmio.load(page);
    }

    @Override
    public void close() {
        // Owns nothing: the context releases the ranges and lines.
    }
}
