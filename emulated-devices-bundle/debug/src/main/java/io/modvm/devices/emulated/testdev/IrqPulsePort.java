package io.modvm.devices.emulated.testdev;

import io.modvm.api.device.BusHandler;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.IrqLine;
import io.modvm.devices.emulated.support.AccessWidth;
import io.modvm.devices.emulated.support.WarnOnce;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The testdev's interrupt port: writing {@code n} pulses GSI {@code n}, so a test guest can check its interrupt
 * routing for any line of the IOAPIC. Lines are taken from the context on first use rather than all at plug
 * time, so that the device holds only the lines a test actually drives.
 */
final class IrqPulsePort implements BusHandler {
    static final int GSI_COUNT = 24;

    private static final Logger LOG = LoggerFactory.getLogger(IrqPulsePort.class);

    private final String id;
    private final DeviceContext context;
    private final IrqLine[] lines = new IrqLine[GSI_COUNT];
    private final WarnOnce unavailable = new WarnOnce(LOG);
    private final WarnOnce outOfRange = new WarnOnce(LOG);

    IrqPulsePort(String id, DeviceContext context) {
        this.id = id;
        this.context = context;
    }

    @Override
    public long read(long offset, int size) {
        return AccessWidth.allOnes(size);
    }

    @Override
    public void write(long offset, int size, long value) {
        long gsi = value & AccessWidth.allOnes(size);
        if (gsi < 0 || gsi >= GSI_COUNT) {
            outOfRange.warn("{}: ignoring a pulse on GSI {}; lines 0..{} exist", id, gsi, GSI_COUNT - 1);
            return;
        }
        IrqLine line = line((int) gsi);
        if (line != null) {
            line.pulse();
        }
    }

    private synchronized IrqLine line(int gsi) {
        if (lines[gsi] == null) {
            try {
                lines[gsi] = context.irqLine(gsi);
            } catch (DeviceException e) {
                unavailable.warn("{}: cannot pulse GSI {}: {}", id, gsi, e.getMessage());
            }
        }
        return lines[gsi];
    }
}
