package io.modvm.core.pci;

import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.accel.Attachment;
import io.modvm.api.accel.EventNotifier;
import io.modvm.api.device.BusHandler;
import io.modvm.api.device.DeviceException;
import io.modvm.api.pci.PciBar;
import io.modvm.api.pci.PciCapability;
import io.modvm.api.pci.PciFunction;
import io.modvm.api.pci.PciFunctionSpec;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.core.acpi.LevelLine;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device's function on the root bus: its type-0 configuration header, capability list and MSI-X capability, its
 * BARs mapped on the MMIO bus while the guest has memory decoding on (I/O BARs on the port bus while it has I/O
 * decoding on), the ioeventfds bound inside them, and its
 * legacy INTx line: a source of the shared line its slot and pin are wired to ({@link PciIntxRouting}), held low
 * while the guest sets Interrupt Disable or enables MSI-X, and reported in the status register's Interrupt Status.
 *
 * <p>Every value the guest writes is masked to what the register holds; a BAR the guest points at RAM or at another
 * device stays unmapped (logged once), so no guest write can make this function shadow memory it does not own.
 *
 * <p>A device whose configuration callback throws is fenced off ({@link ConfigFence}). What it defined then reads
 * all ones, but what the core serves itself keeps working: the header (IDs, command, BARs, interrupt line) and the
 * MSI-X capability, plus the ID and next pointer of every capability, so that the list still leads to MSI-X. That
 * is the safest split because none of it runs device code, and it is what the guest needs to let go of a broken
 * device: find it, turn off decoding, bus mastering and MSI-X, and eject the slot.
 */
final class PciDeviceFunction implements PciEndpoint, PciFunction {
    private static final Logger LOG = LoggerFactory.getLogger(PciDeviceFunction.class);
    static final int COMMAND_IO = 1;
    static final int COMMAND_MEMORY = 2;
    static final int COMMAND_BUS_MASTER = 4;
    static final int COMMAND_INTX_DISABLE = 0x400;
    private static final int COMMAND_WRITABLE = COMMAND_IO | COMMAND_MEMORY | COMMAND_BUS_MASTER
            | COMMAND_INTX_DISABLE;
    static final int STATUS_INTERRUPT = 0x08;
    private static final int STATUS_CAPABILITIES = 0x10;
    private static final int FIRST_CAPABILITY = 0x40;
    private static final int MSIX_CAPABILITY_ID = 0x11;
    private static final int MSIX_ENABLE = 1 << 15;
    private static final int MSIX_FUNCTION_MASK = 1 << 14;
    /** One past the highest port an I/O BAR can decode: x86 has 64 Ki ports. */
    static final long IO_BAR_LIMIT = 0x1_0000;

    private final String owner;
    private final int slot;
    private final PciFunctionSpec spec;
    private final PciHost host;
    /** Its monitor guards {@link #address}: the window allocates from where the BARs are. */
    private final PciBarWindow window;
    private final PciBar[] bars = new PciBar[6];
    private final long[] assigned = new long[6];
    private final long[] address = new long[6];
    private final long[] mapped = new long[6];
    private final byte[] capabilities = new byte[256];
    private final int capabilityEnd;
    private final int msixCapability;
    private final MsixTable msix;
    private final ConfigFence fence;
    /** What the capability area reads while the function is fenced. */
    private final byte[] fencedCapabilities = new byte[256];
    private final List<IoEventBinding> ioEvents = new CopyOnWriteArrayList<>();
    private volatile int command;
    private int interruptLine;
    /** What the interrupt line register holds after a reset: the GSI the pin is wired to, as firmware would write. */
    private final int wiredLine;
    /** This function's source of its shared INTx line, or null for a function without an interrupt pin. */
    private final LevelLine intx;
    private final PciIntxRouting intxRouting;
    /** The device's level, and what was last passed on to the line (held low while interrupts are disabled). */
    private boolean intxAsserted;
    private boolean intxDriven;
    private boolean warnedBar;

    PciDeviceFunction(String owner, int slot, PciFunctionSpec spec, PciHost host, PciIntxRouting intxRouting,
            PciBarWindow window, long[] barAddresses) {
        this.owner = owner;
        this.slot = slot;
        this.spec = spec;
        this.host = host;
        this.window = window;
        this.intxRouting = intxRouting;
        int pin = spec.interruptPin();
        this.intx = pin == PciFunctionSpec.NO_INTERRUPT_PIN ? null : intxRouting.newSource(slot, pin);
        this.wiredLine = intx == null ? 0 : intxRouting.gsi(slot, pin);
        this.interruptLine = wiredLine;
        for (PciBar b : spec.bars()) {
            bars[b.index()] = b;
            assigned[b.index()] = barAddresses[b.index()];
        }
        int at = FIRST_CAPABILITY;
        int previousNext = -1;
        for (PciCapability c : spec.capabilities()) {
            byte[] body = c.body();
            if (previousNext >= 0) {
                capabilities[previousNext] = (byte) at;
            }
            capabilities[at] = (byte) c.id();
            System.arraycopy(body, 0, capabilities, at + 2, body.length);
            previousNext = at + 1;
            at = (at + 2 + body.length + 3) & ~3;
        }
        if (spec.msixVectors() > 0) {
            if (previousNext >= 0) {
                capabilities[previousNext] = (byte) at;
            }
            msixCapability = at;
            capabilities[at] = MSIX_CAPABILITY_ID;
            at += 12;
            msix = new MsixTable(owner, host, spec.msixVectors());
        } else {
            msixCapability = -1;
            msix = null;
        }
        if (at > 256) {
            throw new IllegalArgumentException("capabilities do not fit in configuration space");
        }
        capabilityEnd = at;
        fence = new ConfigFence(owner, slot, spec.configWriter(), spec.deviceRegisters(), host);
        java.util.Arrays.fill(fencedCapabilities, FIRST_CAPABILITY, 256, (byte) 0xFF);
        for (int p = at > FIRST_CAPABILITY ? FIRST_CAPABILITY : 0; p != 0; p = capabilities[p + 1] & 0xff) {
            fencedCapabilities[p] = capabilities[p];
            fencedCapabilities[p + 1] = capabilities[p + 1];
        }
        System.arraycopy(assigned, 0, address, 0, 6);
        java.util.Arrays.fill(mapped, -1);
    }

    String owner() {
        return owner;
    }

    PciFunctionSpec spec() {
        return spec;
    }

    synchronized long barAddress(int index) {
        return address[index];
    }

    /**
     * Where this function's BARs are, and where a reset would put them back. Called with the window's lock held:
     * taking this function's own lock there could deadlock with a vCPU that moves a BAR.
     */
    List<PciBarWindow.Range> barRanges() {
        return barRanges(false);
    }

    /** {@link #barRanges()} of the I/O BARs, in port space. */
    List<PciBarWindow.Range> ioBarRanges() {
        return barRanges(true);
    }

    private List<PciBarWindow.Range> barRanges(boolean io) {
        List<PciBarWindow.Range> out = new ArrayList<>();
        for (PciBar b : bars) {
            if (b != null && b.io() == io) {
                out.add(new PciBarWindow.Range(assigned[b.index()], b.size()));
                if (address[b.index()] != assigned[b.index()]) {
                    out.add(new PciBarWindow.Range(address[b.index()], b.size()));
                }
            }
        }
        return out;
    }

    @Override
    public int bus() {
        return 0;
    }

    @Override
    public int slot() {
        return slot;
    }

    @Override
    public int function() {
        return 0;
    }

    @Override
    public boolean busMaster() {
        return (command & COMMAND_BUS_MASTER) != 0;
    }

    @Override
    public boolean msixEnabled() {
        return msix != null && msix.enabled();
    }

    @Override
    public boolean signalMsix(int vector) {
        return msix != null && msix.signal(vector);
    }

    @Override
    public EventNotifier msixNotifier(int vector) throws DeviceException {
        if (msix == null || vector < 0 || vector >= msix.vectors()) {
            throw new DeviceException(owner + ": no MSI-X vector " + vector);
        }
        try {
            return msix.external(vector);
        } catch (AcceleratorException e) {
            throw new DeviceException(owner + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized int readConfig(int offset, int size) {
        int reg = offset & ~3;
        int dword;
        if (reg == 0x00) {
            dword = spec.vendorId() | spec.deviceId() << 16;
        } else if (reg == 0x04) {
            int status = (capabilityEnd > FIRST_CAPABILITY ? STATUS_CAPABILITIES : 0)
                    | (intxAsserted ? STATUS_INTERRUPT : 0);
            dword = command | status << 16;
        } else if (reg == 0x08) {
            dword = spec.revision() | spec.classCode() << 8;
        } else if (reg >= 0x10 && reg < 0x28) {
            dword = readBar((reg - 0x10) / 4);
        } else if (reg == 0x2C) {
            dword = spec.subsystemVendorId() | spec.subsystemId() << 16;
        } else if (reg == 0x34) {
            dword = capabilityEnd > FIRST_CAPABILITY ? FIRST_CAPABILITY : 0;
        } else if (reg == 0x3C) {
            dword = interruptLine | spec.interruptPin() << 8;
        } else if (msixCapability >= 0 && reg == msixCapability) {
            int control = (msix.vectors() - 1) | (msix.enabled() ? MSIX_ENABLE : 0)
                    | (msix.functionMask() ? MSIX_FUNCTION_MASK : 0);
            dword = MSIX_CAPABILITY_ID | (capabilities[reg + 1] & 0xff) << 8 | control << 16;
        } else if (msixCapability >= 0 && reg == msixCapability + 4) {
            dword = (int) spec.msixOffset() | spec.msixBar();
        } else if (msixCapability >= 0 && reg == msixCapability + 8) {
            dword = (int) (spec.msixOffset() + msix.pbaOffset()) | spec.msixBar();
        } else if (reg >= capabilityEnd && reg < 256) {
            dword = fence.readRegister(reg);
        } else if (reg >= FIRST_CAPABILITY && reg < 256) {
            byte[] c = fence.fenced() ? fencedCapabilities : capabilities;
            dword = (c[reg] & 0xff) | (c[reg + 1] & 0xff) << 8 | (c[reg + 2] & 0xff) << 16 | (c[reg + 3] & 0xff) << 24;
        } else {
            dword = 0;
        }
        return ConfigBytes.extract(dword, offset, size);
    }

    private int readBar(int index) {
        PciBar bar = bars[index];
        if (bar != null && bar.io()) {
            return (int) (address[index] & ~(bar.size() - 1) & 0xFFFF_FFFCL) | 0x1;
        }
        if (bar != null) {
            long mask = ~(bar.size() - 1);
            return (int) (address[index] & mask & 0xFFFF_FFF0L) | (bar.bits64() ? 0x4 : 0);
        }
        if (index > 0 && bars[index - 1] != null && bars[index - 1].bits64()) {
            return (int) (address[index - 1] >>> 32);
        }
        return 0;
    }

    @Override
    public void writeConfig(int offset, int size, int value) {
        boolean remap = false;
        synchronized (this) {
            int reg = offset & ~3;
            if (reg == 0x04) {
                int merged = ConfigBytes.merge(command, offset, size, value) & COMMAND_WRITABLE;
                remap = (merged & (COMMAND_MEMORY | COMMAND_IO)) != (command & (COMMAND_MEMORY | COMMAND_IO));
                command = merged;
                driveIntx();
            } else if (reg >= 0x10 && reg < 0x28) {
                synchronized (window) {
                    remap = writeBar((reg - 0x10) / 4, ConfigBytes.merge(readBar((reg - 0x10) / 4), offset, size,
                            value));
                }
            } else if (reg == 0x3C) {
                interruptLine = ConfigBytes.merge(interruptLine, offset, size, value) & 0xff;
            } else if (msixCapability >= 0 && reg == msixCapability) {
                int dword = ConfigBytes.merge(readConfig(reg, 4), offset, size, value);
                int control = dword >>> 16;
                msix.setControl((control & MSIX_ENABLE) != 0, (control & MSIX_FUNCTION_MASK) != 0);
                driveIntx();
            } else if (reg >= FIRST_CAPABILITY && reg < capabilityEnd) {
                fence.write(offset, size, value);
            } else if (reg >= capabilityEnd && reg < 256) {
                fence.writeRegister(offset, size, value);
            }
        }
        if (remap) {
            remap();
        }
    }

    @Override
    public synchronized void setIntx(boolean asserted) {
        if (intx == null) {
            return;
        }
        intxAsserted = asserted;
        driveIntx();
    }

    /** Passes the device's INTx level on to the line, unless the guest disabled it or uses MSI-X. */
    private void driveIntx() {
        if (intx == null) {
            return;
        }
        boolean drive = intxAsserted && (command & COMMAND_INTX_DISABLE) == 0 && !msixEnabled();
        if (drive != intxDriven) {
            intxDriven = drive;
            intx.set(drive);
        }
    }

    /** Returns true if the BAR's address changed. */
    private boolean writeBar(int index, int value) {
        PciBar bar = bars[index];
        if (bar != null && bar.io()) {
            long old = address[index];
            // All 32 bits read back as written, as QEMU's: a BIOS sizing the BAR with ~0 reads the size from the
            // low bits and would take a BAR whose upper half reads 0 for one of nearly 4 GiB (SeaBIOS then stops
            // in its PCI setup). An address above the 64 KiB port space is simply not mapped (placeable).
            address[index] = (value & 0xFFFF_FFFFL) & ~(bar.size() - 1);
            return old != address[index];
        }
        if (bar != null) {
            long mask = ~(bar.size() - 1);
            long old = address[index];
            address[index] = ((old & 0xFFFF_FFFF_0000_0000L) | (value & 0xFFFF_FFF0L)) & mask;
            return old != address[index];
        }
        if (index > 0 && bars[index - 1] != null && bars[index - 1].bits64()) {
            long mask = ~(bars[index - 1].size() - 1);
            long old = address[index - 1];
            address[index - 1] = ((old & 0xFFFF_FFFFL) | ((long) value << 32)) & mask;
            return old != address[index - 1];
        }
        return false;
    }

    /** Brings the MMIO and port buses and the ioeventfds in line with the BARs and the decode bits. */
    private synchronized void remap() {
        for (int i = 0; i < 6; i++) {
            PciBar bar = bars[i];
            if (bar == null) {
                continue;
            }
            boolean decode = (command & (bar.io() ? COMMAND_IO : COMMAND_MEMORY)) != 0;
            long want = decode && placeable(bar, address[i]) ? address[i] : -1;
            if (want == mapped[i]) {
                continue;
            }
            if (mapped[i] != -1) {
                if (bar.io()) {
                    host.unmapIo(barOwner(i));
                } else {
                    host.unmapMmio(barOwner(i));
                }
                mapped[i] = -1;
            }
            if (want != -1) {
                boolean ok = bar.io() ? host.mapIo(want, bar.size(), barOwner(i), handler(bar))
                        : host.mapMmio(want, bar.size(), barOwner(i), handler(bar));
                if (ok) {
                    mapped[i] = want;
                } else if (!warnedBar) {
                    warnedBar = true;
                    LOG.info("{}: BAR{} at {}0x{} overlaps {} or another device; left unmapped", owner, i,
                            bar.io() ? "port " : "", Long.toHexString(want), bar.io() ? "a port" : "RAM");
                }
            }
        }
        for (IoEventBinding b : ioEvents) {
            b.rebind();
        }
    }

    private static boolean placeable(PciBar bar, long base) {
        long limit = bar.io() ? IO_BAR_LIMIT : bar.bits64() ? 1L << 48 : 1L << 32;
        return base != 0 && base + bar.size() <= limit;
    }

    private String barOwner(int index) {
        return owner + "#bar" + index;
    }

    private BusHandler handler(PciBar bar) {
        boolean hasTable = msix != null && bar.index() == spec.msixBar();
        long tableStart = spec.msixOffset();
        long tableEnd = tableStart + spec.msixSize();
        int index = bar.index();
        return new BusHandler() {
            @Override
            public long read(long offset, int size) {
                if (hasTable && offset >= tableStart && offset < tableEnd) {
                    return msix.read(offset - tableStart, size);
                }
                return bar.handler().read(offset, size);
            }

            @Override
            public void write(long offset, int size, long value) {
                if (hasTable && offset >= tableStart && offset < tableEnd) {
                    msix.write(offset - tableStart, size, value);
                    return;
                }
                // A write the accelerator did not complete through an ioeventfd still signals the notifier.
                for (IoEventBinding b : ioEvents) {
                    if (b.matches(index, offset, size, value)) {
                        b.notifier.signal();
                        return;
                    }
                }
                bar.handler().write(offset, size, value);
            }
        };
    }

    @Override
    public EventNotifier ioEvent(int bar, long offset, int length, OptionalLong dataMatch) throws DeviceException {
        if (bar < 0 || bar > 5 || bars[bar] == null || offset < 0 || offset + length > bars[bar].size()) {
            throw new DeviceException(owner + ": ioEvent outside BAR " + bar);
        }
        EventNotifier n;
        try {
            n = host.createNotifier();
        } catch (AcceleratorException e) {
            throw new DeviceException(owner + ": " + e.getMessage(), e);
        }
        IoEventBinding binding = new IoEventBinding(bar, offset, length, dataMatch, n);
        ioEvents.add(binding);
        synchronized (this) {
            binding.rebind();
        }
        return binding;
    }

    /** Power-on state; called while the VM still exists, so that bindings into it are undone properly. */
    /** Holds this function's MSI-X messages until {@link #releaseInterrupts()}; see {@link MsixTable#hold}. */
    void holdInterrupts() {
        if (msix != null) {
            msix.hold();
        }
    }

    void releaseInterrupts() {
        if (msix != null) {
            msix.release();
        }
    }

    void reset() {
        synchronized (this) {
            command = 0;
            interruptLine = wiredLine;
            synchronized (window) {
                System.arraycopy(assigned, 0, address, 0, 6);
            }
            if (msix != null) {
                msix.reset();
            }
            intxAsserted = false;
            driveIntx();
        }
        remap();
    }

    static final String STATE_TYPE = "pci-function";
    static final int STATE_VERSION = 1;

    /**
     * What the guest made of this function, a {@value #STATE_TYPE} record: where it is and whose ({@code slot},
     * {@code owner}, {@code vendorId}, {@code deviceId}, to be checked on restore), the command register, the
     * interrupt line register, each BAR's address ({@code bars}: {@code pci-bar} records of {@code index} and
     * {@code address}), the device's INTx level, and the MSI-X table ({@code msix}, if the function has one). The
     * rest of configuration space follows from the device's spec, or is the device's own (its capabilities' bodies
     * are in its record).
     */
    synchronized StateRecord saveState() {
        List<StateRecord> barRecords = new ArrayList<>();
        for (PciBar b : bars) {
            if (b != null) {
                barRecords.add(StateRecord.builder("pci-bar", 1).put("index", b.index())
                        .put("address", address[b.index()]).build());
            }
        }
        StateRecord.Builder r = StateRecord.builder(STATE_TYPE, STATE_VERSION).put("slot", slot).put("owner", owner)
                .put("vendorId", spec.vendorId()).put("deviceId", spec.deviceId()).put("command", command)
                .put("interruptLine", interruptLine).put("intxAsserted", intxAsserted).put("bars", barRecords);
        if (msix != null) {
            r.put("msix", msix.saveState());
        }
        return r.build();
    }

    /**
     * Puts back what {@link #saveState} saved, on a function of the same device in the same slot: the registers,
     * the BARs mapped where the guest had them (with the ioeventfds inside them), the MSI-X table with its routes,
     * and the INTx level driven again.
     *
     * @throws StateException if the record is of another function, or does not fit this one; nothing changed then
     */
    void restoreState(StateRecord r) throws StateException {
        r.require(STATE_TYPE, 1, STATE_VERSION);
        if (r.getInt("slot") != slot || !r.getString("owner").equals(owner) || r.getInt("vendorId") != spec.vendorId()
                || r.getInt("deviceId") != spec.deviceId()) {
            throw new StateException(String.format("PCI %02x.0 (%s, %04x:%04x): the saved function is %s's in slot "
                    + "%s, %04x:%04x", slot, owner, spec.vendorId(), spec.deviceId(), r.getString("owner"),
                    r.getLong("slot"), r.getInt("vendorId"), r.getInt("deviceId")));
        }
        long[] saved = new long[6];
        int seen = 0;
        for (StateRecord b : r.getRecords("bars")) {
            b.require("pci-bar", 1, 1);
            int index = b.getInt("index");
            if (index < 0 || index > 5 || bars[index] == null) {
                throw new StateException(owner + ": a saved address for BAR " + index + ", which it does not have");
            }
            saved[index] = b.getLong("address") & ~(bars[index].size() - 1);
            seen |= 1 << index;
        }
        for (PciBar b : bars) {
            if (b != null && (seen & 1 << b.index()) == 0) {
                throw new StateException(owner + ": no saved address for BAR " + b.index());
            }
        }
        if (r.has("msix") != (msix != null)) {
            throw new StateException(owner + ": MSI-X " + (msix != null ? "missing from" : "in") + " the saved state");
        }
        int savedCommand = r.getInt("command") & COMMAND_WRITABLE;
        int savedLine = r.getInt("interruptLine") & 0xff;
        boolean savedIntx = r.getBoolean("intxAsserted");
        synchronized (this) {
            if (msix != null) {
                msix.restoreState(r.getRecord("msix"));
            }
            command = savedCommand;
            interruptLine = savedLine;
            synchronized (window) {
                for (PciBar b : bars) {
                    if (b != null) {
                        address[b.index()] = saved[b.index()];
                    }
                }
            }
            intxAsserted = intx != null && savedIntx;
            driveIntx();
        }
        remap();
    }

    /** The device instance is parked for a hot-swap: a fence it earned does not pass to its successor. */
    void liftFence() {
        fence.lift();
    }

    /** Unplugged. */
    void close() {
        reset();
        if (intx != null) {
            intxRouting.release(intx);
        }
        for (IoEventBinding b : new ArrayList<>(ioEvents)) {
            b.close();
        }
        if (msix != null) {
            msix.close();
        }
    }

    /** One ioEvent: follows its BAR; attached to the VM only while the BAR is mapped. */
    private final class IoEventBinding implements EventNotifier {
        final int bar;
        final long offset;
        final int length;
        final OptionalLong match;
        final EventNotifier notifier;
        private Attachment attachment;
        private long attachedAt = -1;

        IoEventBinding(int bar, long offset, int length, OptionalLong match, EventNotifier notifier) {
            this.bar = bar;
            this.offset = offset;
            this.length = length;
            this.match = match;
            this.notifier = notifier;
        }

        boolean matches(int barIndex, long at, int size, long value) {
            return barIndex == bar && at == offset && size == length
                    && (match.isEmpty() || match.getAsLong() == value);
        }

        /** Called with the function's lock held. */
        void rebind() {
            long want = mapped[bar] == -1 ? -1 : mapped[bar] + offset;
            if (want == attachedAt) {
                return;
            }
            detach();
            if (want != -1) {
                try {
                    boolean pio = bars[bar].io();
                    attachment = host.withVm(vm -> vm.attachIoEvent(notifier, want, length, pio, match));
                    attachedAt = attachment == null ? -1 : want;
                } catch (AcceleratorException e) {
                    LOG.debug("{}: ioeventfd at 0x{} refused ({}); the write will exit to the VMM", owner,
                            Long.toHexString(want), e.getMessage());
                }
            }
        }

        private void detach() {
            if (attachment != null) {
                attachment.close();
                attachment = null;
            }
            attachedAt = -1;
        }

        @Override
        public void signal() {
            notifier.signal();
        }

        @Override
        public long await(long timeoutMillis) {
            return notifier.await(timeoutMillis);
        }

        /** The eventfd itself: a vhost backend waits on it, and a NIC's thread polls it with its backend. */
        @Override
        public int fd() {
            return notifier.fd();
        }

        @Override
        public void close() {
            synchronized (PciDeviceFunction.this) {
                ioEvents.remove(this);
                detach();
            }
            notifier.close();
        }
    }
}
