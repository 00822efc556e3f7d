package io.modvm.virtio.console;

import io.modvm.api.device.BusHandler;
import io.modvm.api.device.CharBackend;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.IrqLine;
import io.modvm.api.memory.GuestMemory;
import io.modvm.api.pci.PciFunction;
import io.modvm.api.pci.PciFunctionSpec;
import java.util.ArrayList;
import java.util.List;

/** A machine that knows only the device's id and records the backends asked for; nothing else is expected. */
final class StubContext implements DeviceContext {
    private final List<String> backends = new ArrayList<>();

    @Override
    public String deviceId() {
        return "dev0";
    }

    List<String> backendsOpened() {
        return backends;
    }

    @Override
    public CharBackend charBackend(String spec) {
        backends.add(spec);
        return new RecordingBackend();
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
    public PciFunction plugPci(PciFunctionSpec spec) {
        throw new UnsupportedOperationException();
    }

    @Override
    public GuestMemory memory() {
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

    @Override
    public long ramSize() {
        throw new UnsupportedOperationException();
    }
}
