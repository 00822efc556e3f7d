package io.modvm.testkit.device;

import io.modvm.api.backend.BackendKinds;
import io.modvm.api.device.BusHandler;
import io.modvm.api.device.CharBackend;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.IrqLine;
import io.modvm.api.memory.GuestMemory;
import io.modvm.api.pci.PciFunction;
import io.modvm.api.pci.PciFunctionSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A machine of one device, for unit tests of a {@link io.modvm.api.device.DeviceFactory}: it records the port and
 * MMIO ranges the device claims and offers accesses to them as a vCPU would issue them, hands out IRQ lines that
 * record their levels, plugs PCI functions into {@link FakePciFunction}s, gives the device the guest RAM and the
 * backends the test provides, and records reset, power-off and exit requests.
 *
 * <p>Character backends: a device that names {@code chardev=NAME} gets a {@link FakeCharBackend} made for that name
 * on first use ({@link #charBackend(String)} returns it to the test), unless the test {@link #provide provided} one;
 * a name starting with {@code bad} is refused, as the core refuses one it cannot open. Other backend kinds come only
 * from {@link #withBackend}; anything else the device asks for throws a {@link DeviceException} naming it, so a
 * factory that reaches for more than the test expects fails the test with a message.
 *
 * <p>{@link #release()} does what the core does when a device is closed or its {@code create} failed: it takes back
 * everything handed out through this context; {@link #claims()} lists what is still held. Not thread-safe except
 * where a method says so: build the device and drive it from the test's thread.
 */
public final class FakeDeviceContext implements DeviceContext {
    private record Range(long base, long length, BusHandler handler) {
        boolean covers(long address) {
            return address >= base && address < base + length;
        }
    }

    private final String id;
    private final List<Range> ports = new ArrayList<>();
    private final List<Range> mmio = new ArrayList<>();
    private final Map<Integer, FakeIrqLine> lines = new HashMap<>();
    private final Map<String, FakeCharBackend> charBackends = new HashMap<>();
    private final Map<String, Object> otherBackends = new HashMap<>();
    private final List<String> backendsTaken = new ArrayList<>();
    private final List<FakePciFunction> functions = new ArrayList<>();
    private final List<FakePciFunction> parked = new ArrayList<>();
    private final List<Integer> exits = new ArrayList<>();
    private GuestMemory memory;
    private long ramSize = 128L << 20;
    private boolean pci = true;
    private int nextSlot = 3;
    private int resets;
    private int powerOffs;

    /** A machine with 128 MiB of RAM (its size only: {@link #memory()} needs {@link #withRam}) and a PCI bus. */
    public FakeDeviceContext(String deviceId) {
        this.id = deviceId;
    }

    /** A machine with {@code ramSize} bytes of RAM (its size only) for device {@code deviceId}. */
    public FakeDeviceContext(String deviceId, long ramSize) {
        this(deviceId);
        this.ramSize = ramSize;
    }

    /** A context for device {@code dev0}. */
    public FakeDeviceContext() {
        this("dev0");
    }

    /** A machine whose RAM is {@code memory}, of {@code size} bytes. */
    public FakeDeviceContext withRam(GuestMemory memory, long size) {
        this.memory = memory;
        this.ramSize = size;
        return this;
    }

    /** A machine with {@code size} bytes of RAM in the heap, from address 0 ({@link FakeGuestMemory}). */
    public FakeDeviceContext withRam(int size) {
        return withRam(new FakeGuestMemory(size), size);
    }

    /** A machine without a PCI bus: {@link #plugPci} is refused, as on a machine that has none. */
    public FakeDeviceContext withoutPci() {
        this.pci = false;
        return this;
    }

    /**
     * A machine whose next {@link #plugPci} hands back {@code function}, the one an earlier instance of the device
     * held, as the core does for the successor in a hot-swap.
     */
    public FakeDeviceContext withParkedPci(FakePciFunction function) {
        parked.add(function);
        return this;
    }

    /** Backend {@code value} of {@code kind} (a {@link BackendKinds} name) under {@code name}. */
    public FakeDeviceContext withBackend(String kind, String name, Object value) {
        otherBackends.put(kind + "/" + name, value);
        return this;
    }

    /** Makes {@code chardev=NAME} name {@code backend}, as a machine hands a device's backend to its successor. */
    public FakeDeviceContext provide(String name, FakeCharBackend backend) {
        charBackends.put(name, backend);
        return this;
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
                throw new DeviceException(kind + " range 0x" + Long.toHexString(base) + " overlaps one claimed "
                        + "already at 0x" + Long.toHexString(range.base));
            }
        }
        ranges.add(new Range(base, length, handler));
    }

    @Override
    public synchronized IrqLine irqLine(int gsi) {
        return line(gsi);
    }

    /** The IRQ line {@code gsi}, as the device drives it. Thread-safe. */
    public synchronized FakeIrqLine line(int gsi) {
        return lines.computeIfAbsent(gsi, FakeIrqLine::new);
    }

    /** Whether the device asked for line {@code gsi}. Thread-safe. */
    public synchronized boolean lineTaken(int gsi) {
        return lines.containsKey(gsi);
    }

    @Override
    public PciFunction plugPci(PciFunctionSpec spec) throws DeviceException {
        if (!pci) {
            throw new DeviceException(id + ": this machine has no PCI bus");
        }
        FakePciFunction f = parked.isEmpty() ? new FakePciFunction(nextSlot++) : parked.remove(0);
        f.plugged(spec);
        functions.add(f);
        return f;
    }

    /** The PCI functions the device plugged, in order. */
    public List<FakePciFunction> pciFunctions() {
        return List.copyOf(functions);
    }

    /** The device's first PCI function. */
    public FakePciFunction pci() {
        if (functions.isEmpty()) {
            throw new AssertionError("the device plugged no PCI function");
        }
        return functions.get(0);
    }

    @Override
    public GuestMemory memory() {
        if (memory == null) {
            throw new IllegalStateException("no guest RAM in this test's machine: give it some with withRam");
        }
        return memory;
    }

    @Override
    public long ramSize() {
        return ramSize;
    }

    @Override
    @Deprecated
    public CharBackend charBackend(String spec) throws DeviceException {
        return backend(BackendKinds.CHARDEV, spec, CharBackend.class);
    }

    @Override
    public <B> B backend(String kind, String name, Class<B> type) throws DeviceException {
        if (name == null) {
            return null;
        }
        Object value = otherBackends.get(kind + "/" + name);
        if (value == null && BackendKinds.CHARDEV.equals(kind) && type.isAssignableFrom(FakeCharBackend.class)) {
            if (name.startsWith("bad")) {
                throw new DeviceException("chardev '" + name + "' is not a backend; use stdio, file:PATH or null");
            }
            value = charBackends.computeIfAbsent(name, n -> new FakeCharBackend());
        }
        if (value == null) {
            throw new DeviceException("no " + kind + " backend '" + name + "' in this test's machine");
        }
        if (!type.isInstance(value)) {
            throw new DeviceException(kind + " backend '" + name + "' is a " + value.getClass().getSimpleName()
                    + ", not a " + type.getSimpleName());
        }
        backendsTaken.add(kind + "/" + name);
        return type.cast(value);
    }

    /** The character backend a device named {@code name}, or null if none did. */
    public FakeCharBackend charBackendNamed(String name) {
        return charBackends.get(name);
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

    /** How many resets the device asked for. Thread-safe. */
    public synchronized int resetRequests() {
        return resets;
    }

    /** How many power-offs the device asked for. Thread-safe. */
    public synchronized int powerOffRequests() {
        return powerOffs;
    }

    /** The exit statuses the device asked for, in order. Thread-safe. */
    public synchronized List<Integer> exitRequests() {
        return new ArrayList<>(exits);
    }

    /** A port read as a vCPU issues it; ports nobody claimed float high (all ones). */
    public long in(int port, int size) {
        Range range = find(ports, port);
        return range == null ? -1L : range.handler.read(port - range.base, size);
    }

    /** A one-byte port read. */
    public int inb(int port) {
        return (int) in(port, 1) & 0xff;
    }

    /** A port write; one to a port nobody claimed is dropped. */
    public void out(int port, int size, long value) {
        Range range = find(ports, port);
        if (range != null) {
            range.handler.write(port - range.base, size, value);
        }
    }

    /** A one-byte port write. */
    public void outb(int port, int value) {
        out(port, 1, value);
    }

    /** An MMIO read at a guest-physical address; unclaimed ones read all ones. */
    public long mmioRead(long address, int size) {
        Range range = find(mmio, address);
        return range == null ? -1L : range.handler.read(address - range.base, size);
    }

    /** An MMIO write; one nobody claimed is dropped. */
    public void mmioWrite(long address, int size, long value) {
        Range range = find(mmio, address);
        if (range != null) {
            range.handler.write(address - range.base, size, value);
        }
    }

    /** Whether the device claimed {@code port}. */
    public boolean portClaimed(int port) {
        return find(ports, port) != null;
    }

    /** Whether the device claimed MMIO {@code address}. */
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

    /**
     * What the device holds through this context, by kind: port and MMIO ranges, PCI functions and backends, each
     * as text for an assertion message. Empty after {@link #release()}.
     */
    public Map<String, List<String>> claims() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        put(out, "ports", ports.stream().map(r -> "0x" + Long.toHexString(r.base) + "+" + r.length).toList());
        put(out, "mmio", mmio.stream().map(r -> "0x" + Long.toHexString(r.base) + "+" + r.length).toList());
        put(out, "pci", functions.stream().map(f -> "slot " + f.slot()).toList());
        put(out, "backends", List.copyOf(backendsTaken));
        return out;
    }

    private static void put(Map<String, List<String>> out, String kind, List<String> what) {
        if (!what.isEmpty()) {
            out.put(kind, what);
        }
    }

    /**
     * Takes back what the device holds, as the core does once the device is closed or its {@code create} failed:
     * its ranges leave the buses (accesses float high), its functions are unplugged, its backends are let go of.
     */
    public void release() {
        ports.clear();
        mmio.clear();
        functions.clear();
        backendsTaken.clear();
    }
}
