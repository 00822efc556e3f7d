package io.modvm.devices.emulated.testing;

import io.modvm.api.device.BusHandler;
import io.modvm.api.backend.BackendKinds;
import io.modvm.api.device.CharBackend;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.IrqLine;
import io.modvm.api.memory.GuestMemory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A machine of one device: it records the ranges the device claims and offers port and MMIO accesses as a
 * vCPU would issue them, relative to the claimed ranges.
 */
public final class FakeDeviceContext implements DeviceContext {
    private record Range(long base, long length, BusHandler handler) {
        boolean covers(long address) {
            return address >= base && address < base + length;
        }
    }

    private final String id;
    private final long ramSize;
    private final List<Range> ports = new ArrayList<>();
    private final List<Range> mmio = new ArrayList<>();
    private final Map<Integer, FakeIrqLine> lines = new HashMap<>();
    private final Map<String, FakeCharBackend> backends = new HashMap<>();
    private final List<Integer> exits = new ArrayList<>();
    private int resets;
    private int powerOffs;

    public FakeDeviceContext() {
        this("dev0", 128L << 20);
    }

    public FakeDeviceContext(String id, long ramSize) {
        this.id = id;
        this.ramSize = ramSize;
    }

    @Override
    public String deviceId() {
        return id;
    }

    @Override
    public void mapPio(int base, int length, BusHandler handler) throws DeviceException {
        claim(ports, base, length, handler, "port");
    }

    @Override
    public void mapMmio(long base, long length, BusHandler handler) throws DeviceException {
        claim(mmio, base, length, handler, "MMIO");
    }

    private static void claim(List<Range> ranges, long base, long length, BusHandler handler, String kind)
            throws DeviceException {
        for (Range range : ranges) {
            if (base < range.base + range.length && range.base < base + length) {
                throw new DeviceException(kind + " range " + Long.toHexString(base) + " overlaps");
            }
        }
        ranges.add(new Range(base, length, handler));
    }

    @Override
    public synchronized IrqLine irqLine(int gsi) {
        return line(gsi);
    }

    public synchronized FakeIrqLine line(int gsi) {
        return lines.computeIfAbsent(gsi, FakeIrqLine::new);
    }

    public synchronized boolean lineTaken(int gsi) {
        return lines.containsKey(gsi);
    }

    @Override
    public GuestMemory memory() {
        throw new UnsupportedOperationException("no guest memory in unit tests");
    }

    @Override
    @Deprecated
    public CharBackend charBackend(String spec) throws DeviceException {
        return backend(BackendKinds.CHARDEV, spec, CharBackend.class);
    }

    @Override
    public <B> B backend(String kind, String spec, Class<B> type) throws DeviceException {
        if (spec == null) {
            return null;
        }
        if (!kind.equals(BackendKinds.CHARDEV) || !type.isAssignableFrom(FakeCharBackend.class)) {
            throw new DeviceException("only character backends in unit tests");
        }
        if (spec.startsWith("bad")) {
            throw new DeviceException("chardev '" + spec + "' is not a backend; use stdio, file:PATH or null");
        }
        return type.cast(backends.computeIfAbsent(spec, s -> new FakeCharBackend()));
    }

    public FakeCharBackend backend(String spec) {
        return backends.get(spec);
    }

    /** Makes {@code spec} name {@code backend}, as a machine hands a device's backend to its successor. */
    public void provide(String spec, FakeCharBackend backend) {
        backends.put(spec, backend);
    }

    @Override
    public synchronized void requestReset() {
        resets++;
    }

    @Override
    public synchronized void requestPowerOff() {
        powerOffs++;
    }

    @Override
    public synchronized void requestExit(int status) {
        exits.add(status);
    }

    @Override
    public long ramSize() {
        return ramSize;
    }

    public synchronized int resetRequests() {
        return resets;
    }

    public synchronized int powerOffRequests() {
        return powerOffs;
    }

    public synchronized List<Integer> exitRequests() {
        return new ArrayList<>(exits);
    }

    /** A port read as a vCPU issues it; ports nobody claimed float high. */
    public long in(int port, int size) {
        Range range = find(ports, port);
        return range == null ? -1L : range.handler.read(port - range.base, size);
    }

    public int inb(int port) {
        return (int) in(port, 1) & 0xff;
    }

    public void out(int port, int size, long value) {
        Range range = find(ports, port);
        if (range != null) {
            range.handler.write(port - range.base, size, value);
        }
    }

    public void outb(int port, int value) {
        out(port, 1, value);
    }

    public long mmioRead(long address, int size) {
        Range range = find(mmio, address);
        return range == null ? -1L : range.handler.read(address - range.base, size);
    }

    public void mmioWrite(long address, int size, long value) {
        Range range = find(mmio, address);
        if (range != null) {
            range.handler.write(address - range.base, size, value);
        }
    }

    public boolean portClaimed(int port) {
        return find(ports, port) != null;
    }

    public boolean mmioClaimed(long address) {
        return find(mmio, address) != null;
    }

    private static Range find(List<Range> ranges, long address) {
        for (Range range : ranges) {
            if (range.covers(address)) {
                return range;
            }
        }
        return null;
    }

    @Override
    public io.modvm.api.pci.PciFunction plugPci(io.modvm.api.pci.PciFunctionSpec spec) throws DeviceException {
        throw new DeviceException("no PCI bus in this fake");
    }
}
