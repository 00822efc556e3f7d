package io.modvm.core.devices;

import io.modvm.api.device.BusHandler;
import io.modvm.api.device.DeviceException;
import io.modvm.api.pci.PciBar;
import io.modvm.api.pci.PciCapability;
import io.modvm.api.pci.PciConfigRegisters;
import io.modvm.api.pci.PciConfigWriter;
import io.modvm.api.pci.PciFunction;
import io.modvm.api.pci.PciFunctionSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A device's PCI function whose handlers can change hands, for a hot-swap: the bus gets BAR handlers and a
 * configuration writer that delegate to the device holding the function now. {@link #park()} points them at
 * nothing (reads 0, writes dropped) while the old instance is gone; {@link #takeOver} points them at the new
 * instance's, which gets the same function back: slot, BAR addresses, MSI-X table and routes unchanged.
 */
final class PciBinding {
    private static final BusHandler PARKED = new BusHandler() {
        @Override
        public long read(long offset, int size) {
            return 0;
        }

        @Override
        public void write(long offset, int size, long value) {
        }
    };

    private final PciFunctionSpec spec;
    private final Delegate[] bars = new Delegate[6];
    private volatile PciConfigWriter writer;
    private volatile PciConfigRegisters registers;
    private PciFunction function;
    private volatile boolean parked;

    PciBinding(PciFunctionSpec spec) {
        this.spec = spec;
        for (PciBar b : spec.bars()) {
            bars[b.index()] = new Delegate(b.handler());
        }
        this.writer = spec.configWriter();
        this.registers = spec.deviceRegisters();
    }

    /** The spec the bus gets: the device's, with the delegating handlers. */
    PciFunctionSpec busSpec() {
        List<PciBar> delegating = new ArrayList<>();
        for (PciBar b : spec.bars()) {
            delegating.add(new PciBar(b.index(), b.size(), b.bits64(), bars[b.index()], b.io()));
        }
        PciConfigWriter w = (offset, size, value) -> {
            PciConfigWriter target = writer;
            if (target != null) {
                target.write(offset, size, value);
            }
        };
        PciConfigRegisters r = spec.deviceRegisters() == null ? null : new PciConfigRegisters() {
            @Override
            public int read(int offset) {
                PciConfigRegisters target = registers;
                return target == null ? 0 : target.read(offset);
            }

            @Override
            public void write(int offset, int size, int value) {
                PciConfigRegisters target = registers;
                if (target != null) {
                    target.write(offset, size, value);
                }
            }
        };
        return new PciFunctionSpec(spec.vendorId(), spec.deviceId(), spec.revision(), spec.classCode(),
                spec.subsystemVendorId(), spec.subsystemId(), delegating, spec.capabilities(), spec.msixVectors(),
                spec.msixBar(), spec.msixOffset(), w, spec.interruptPin(), r);
    }

    void plugged(PciFunction f) {
        this.function = f;
    }

    boolean parked() {
        return parked;
    }

    /** The old instance is gone: guest accesses to the BARs read 0 and change nothing until a take-over. */
    void park() {
        parked = true;
        for (Delegate d : bars) {
            if (d != null) {
                d.target = PARKED;
            }
        }
        writer = null;
        registers = null;
    }

    /**
     * A new instance takes the function over with {@code next}, which must describe the same function.
     *
     * @throws DeviceException naming what differs, if the guest would not recognise the function
     */
    PciFunction takeOver(String id, PciFunctionSpec next) throws DeviceException {
        String difference = difference(next);
        if (difference != null) {
            throw new DeviceException(id + ": the new device's PCI function is not the one the guest knows ("
                    + difference + ")");
        }
        for (PciBar b : next.bars()) {
            bars[b.index()].target = b.handler();
        }
        writer = next.configWriter();
        registers = next.deviceRegisters();
        parked = false;
        return function;
    }

    private String difference(PciFunctionSpec next) {
        if (next.vendorId() != spec.vendorId() || next.deviceId() != spec.deviceId()
                || next.classCode() != spec.classCode() || next.revision() != spec.revision()
                || next.subsystemVendorId() != spec.subsystemVendorId()
                || next.subsystemId() != spec.subsystemId()) {
            return String.format("IDs %04x:%04x class %06x, were %04x:%04x class %06x", next.vendorId(),
                    next.deviceId(), next.classCode(), spec.vendorId(), spec.deviceId(), spec.classCode());
        }
        if (!barsOf(next).equals(barsOf(spec))) {
            return "BARs " + barsOf(next) + ", were " + barsOf(spec);
        }
        if (next.msixVectors() != spec.msixVectors() || next.msixBar() != spec.msixBar()
                || next.msixOffset() != spec.msixOffset()) {
            return "MSI-X " + next.msixVectors() + " vectors, were " + spec.msixVectors();
        }
        if (!capabilitiesOf(next).equals(capabilitiesOf(spec))) {
            return "capabilities differ";
        }
        if (next.interruptPin() != spec.interruptPin()) {
            return "interrupt pin " + next.interruptPin() + ", was " + spec.interruptPin();
        }
        if ((next.deviceRegisters() == null) != (spec.deviceRegisters() == null)) {
            return next.deviceRegisters() == null ? "no configuration registers of its own" : "configuration "
                    + "registers of its own, which it had not";
        }
        return null;
    }

    private static List<String> barsOf(PciFunctionSpec s) {
        return s.bars().stream().map(b -> b.index() + ":" + b.size() + (b.bits64() ? "/64" : "")
                + (b.io() ? "/io" : "")).toList();
    }

    private static List<String> capabilitiesOf(PciFunctionSpec s) {
        return s.capabilities().stream().map(PciBinding::describe).toList();
    }

    private static String describe(PciCapability c) {
        return c.id() + Arrays.toString(c.body());
    }

    /** A BAR handler that serves whichever device holds the function now. */
    private static final class Delegate implements BusHandler {
        volatile BusHandler target;

        Delegate(BusHandler target) {
            this.target = target;
        }

        @Override
        public long read(long offset, int size) {
            return target.read(offset, size);
        }

        @Override
        public void write(long offset, int size, long value) {
            target.write(offset, size, value);
        }
    }
}
