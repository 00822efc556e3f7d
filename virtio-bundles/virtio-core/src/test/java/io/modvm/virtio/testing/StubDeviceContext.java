package io.modvm.virtio.testing;

import io.modvm.api.device.BusHandler;
import io.modvm.api.device.CharBackend;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.IrqLine;
import io.modvm.api.memory.GuestMemory;
import io.modvm.api.pci.PciFunction;
import io.modvm.api.pci.PciFunctionSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The machine as a virtio device's factory or transport sees it in a test: a device id, and only what the test
 * gives it (RAM, a PCI root that plugs into a {@link FakePciFunction}). Anything else a device asks for throws
 * {@link UnsupportedOperationException}, so a factory that reaches for more than the test expects fails it. The
 * specs of character backends asked for are recorded before that.
 */
public final class StubDeviceContext implements DeviceContext {
    private final String deviceId;
    private final List<String> backendsAskedFor = new ArrayList<>();
    private GuestMemory memory;
    private Long ramSize;
    private FakePciFunction pci;
    private PciFunctionSpec pciSpec;
    private CharBackend backend;
    private final Map<String, Object> backends = new HashMap<>();

    public StubDeviceContext(String deviceId) {
        this.deviceId = deviceId;
    }

    /** A machine whose RAM is {@code memory}, reported as {@code size} bytes. */
    public StubDeviceContext withRam(GuestMemory memory, long size) {
        this.memory = memory;
        this.ramSize = size;
        return this;
    }

    /** A machine that reports {@code size} bytes of RAM but lets no device touch it. */
    public StubDeviceContext withRamSize(long size) {
        this.ramSize = size;
        return this;
    }

    /** A machine with a PCI root: {@link #plugPci} keeps the spec and answers with a {@link FakePciFunction}. */
    public StubDeviceContext withPci() {
        this.pci = new FakePciFunction();
        return this;
    }

    /**
     * A machine whose PCI root hands back {@code parked}, the function an earlier device instance held, as the
     * device manager does for a device restored after a bundle update.
     */
    public StubDeviceContext withPci(FakePciFunction parked) {
        this.pci = parked;
        return this;
    }

    /** A machine whose character backends, whatever their spec, are all {@code backend}. */
    public StubDeviceContext withCharBackend(CharBackend backend) {
        this.backend = backend;
        return this;
    }

    /** The function a device plugged, or null before it did. */
    public FakePciFunction pci() {
        return pciSpec == null ? null : pci;
    }

    /** What the device plugged, or null before it did. */
    public PciFunctionSpec pciSpec() {
        return pciSpec;
    }

    /** A machine with backend {@code value} of {@code kind} under {@code id}, for a device that names it. */
    public StubDeviceContext withBackend(String kind, String id, Object value) {
        backends.put(kind + "/" + id, value);
        return this;
    }

    @Override
    public <B> B backend(String kind, String reference, Class<B> type) {
        Object value = backends.get(kind + "/" + reference);
        if (value == null && "chardev".equals(kind)) {
            return type.cast(charBackend(reference));
        }
        if (value == null) {
            throw new UnsupportedOperationException("no " + kind + " backend '" + reference + "' in this test's "
                    + "machine");
        }
        return type.cast(value);
    }

    /** The spec of every character backend asked for, in order. */
    public List<String> backendsAskedFor() {
        return List.copyOf(backendsAskedFor);
    }

    @Override
    public String deviceId() {
        return deviceId;
    }

    @Override
    public PciFunction plugPci(PciFunctionSpec spec) {
        if (pci == null) {
            throw new UnsupportedOperationException("no PCI root in this test's machine");
        }
        pciSpec = spec;
        return pci;
    }

    @Override
    public GuestMemory memory() {
        if (memory == null) {
            throw new UnsupportedOperationException("no guest RAM in this test's machine");
        }
        return memory;
    }

    @Override
    public long ramSize() {
        if (ramSize == null) {
            throw new UnsupportedOperationException("no RAM size in this test's machine");
        }
        return ramSize;
    }

    @Override
    @Deprecated
    public CharBackend charBackend(String spec) {
        backendsAskedFor.add(spec);
        if (backend != null) {
            return backend;
        }
        throw new UnsupportedOperationException("no character backends in this test's machine: " + spec);
    }

    @Override
    public void mapPio(int base, int length, BusHandler handler) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void mapMmio(long base, long length, BusHandler handler) {
        throw new UnsupportedOperationException();
    }

    @Override
    public IrqLine irqLine(int gsi) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void requestReset() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void requestPowerOff() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void requestExit(int status) {
        throw new UnsupportedOperationException();
    }
}
