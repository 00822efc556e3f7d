package io.modvm.core.pci;

import io.modvm.api.device.BusHandler;
import io.modvm.api.device.DeviceException;
import io.modvm.api.pci.PciBar;
import io.modvm.api.pci.PciFunction;
import io.modvm.api.pci.PciFunctionSpec;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.core.pci.hotplug.PciHotplug;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * PCI bus 0 behind configuration mechanism #1: the address latch at port 0xCF8 and the data window at 0xCFC-0xCFF.
 * The chipset sits where QEMU's pc has it: the i440FX host bridge at 00:00.0, the PIIX3 ISA bridge at 00:01.0 and
 * the PIIX4 power management function at 00:01.3, with 00:01.1 kept for the IDE controller. Devices take the
 * lowest free slot from {@link #FIRST_DEVICE_SLOT}; they have function 0 only. Absent functions read as all ones,
 * as on hardware.
 *
 * <p>A function plugged before the guest starts is simply there when the guest scans the bus. One plugged while
 * the guest runs is announced through {@link #hotplug()} ({@link #announcePlugged}), and one the guest should let go
 * of is requested with {@link #requestUnplug}; see {@link PciHotplug} for the whole exchange.
 */
public final class PciRootBus {
    public static final int CONFIG_ADDRESS_PORT = 0xCF8;
    public static final int CONFIG_DATA_PORT = 0xCFC;
    public static final int SLOTS = 32;
    /** The chipset's multi-function slot (PIIX3). */
    public static final int CHIPSET_SLOT = 1;
    /** The first slot a device takes, after the host bridge and the chipset. */
    public static final int FIRST_DEVICE_SLOT = 2;
    private static final int FUNCTIONS = 8;
    private static final int ENABLE = 1 << 31;
    /**
     * Where I/O BARs go: the ports from 0xC000 up, as SeaBIOS assigns them on QEMU's pc, above every fixed port of
     * the platform; the DSDT's root bridge forwards them.
     */
    public static final long IO_WINDOW_START = 0xC000;

    private final PciHost host;
    private final PciIntxRouting intxRouting;
    private final PciBarWindow window;
    /** Allocates I/O BARs; used only under {@link #window}'s lock, which guards every BAR address. */
    private final PciBarWindow ioWindow = new PciBarWindow(IO_WINDOW_START, PciDeviceFunction.IO_BAR_LIMIT);
    private final PciEndpoint[] slots = new PciEndpoint[SLOTS];
    private final HostBridge hostBridge = new HostBridge();
    /** Functions 0-7 of {@link #CHIPSET_SLOT}; function 1 (IDE) stays empty until a controller is placed there. */
    private final ChipsetFunction[] chipset = new ChipsetFunction[FUNCTIONS];
    private final PciHotplug hotplug = new PciHotplug(this::ownerOf);
    private volatile int latch;

    /** @param intxRouting where the functions' legacy interrupt pins are wired */
    public PciRootBus(PciHost host, PciIntxRouting intxRouting, long windowStart, long windowEnd) {
        this.host = host;
        this.intxRouting = intxRouting;
        this.window = new PciBarWindow(windowStart, windowEnd);
        slots[0] = hostBridge;
        chipset[0] = new Piix3IsaBridge();
        chipset[Piix4Pm.FUNCTION] = new Piix4Pm();
        slots[CHIPSET_SLOT] = chipset[0];
    }

    /** The handler for the one-byte claim at 0xCF8 (0xCF9 is the reset register, a different device). */
    public BusHandler addressPort() {
        return new BusHandler() {
            @Override
            public long read(long offset, int size) {
                return size == 4 ? latch & 0xFFFF_FFFFL : -1L;
            }

            @Override
            public void write(long offset, int size, long value) {
                if (size == 4) {
                    latch = (int) value & 0x80FF_FFFC;
                }
            }
        };
    }

    /** The handler for 0xCFC-0xCFF. */
    public BusHandler dataPort() {
        return new BusHandler() {
            @Override
            public long read(long offset, int size) {
                PciEndpoint e = target();
                if (e == null) {
                    return -1L;
                }
                return e.readConfig(register() + (int) offset, size) & 0xFFFF_FFFFL;
            }

            @Override
            public void write(long offset, int size, long value) {
                PciEndpoint e = target();
                if (e != null) {
                    e.writeConfig(register() + (int) offset, size, (int) value);
                }
            }
        };
    }

    private int register() {
        return latch & 0xFC;
    }

    private PciEndpoint target() {
        int a = latch;
        if ((a & ENABLE) == 0 || ((a >>> 16) & 0xFF) != 0) {
            return null;
        }
        int slot = (a >>> 11) & 0x1F;
        int function = (a >>> 8) & 0x7;
        if (slot == CHIPSET_SLOT) {
            return chipset[function];
        }
        return function == 0 ? slots[slot] : null;
    }

    /**
     * Plugs a function into the lowest free slot and gives each of its BARs the lowest range of the window that no
     * BAR on the bus takes ({@link PciBarWindow}): memory BARs in the 32-bit PCI hole, I/O BARs from {@link
     * #IO_WINDOW_START}.
     */
    public synchronized PciFunction plug(String owner, PciFunctionSpec spec) throws DeviceException {
        int slot = FIRST_DEVICE_SLOT;
        while (slot < SLOTS && slots[slot] != null) {
            slot++;
        }
        if (slot == SLOTS) {
            throw new DeviceException(owner + ": PCI bus 0 is full (" + (SLOTS - FIRST_DEVICE_SLOT) + " devices)");
        }
        long[] addresses = new long[6];
        synchronized (window) {
            List<PciBarWindow.Range> taken = new ArrayList<>();
            List<PciBarWindow.Range> takenPorts = new ArrayList<>();
            for (PciEndpoint e : slots) {
                if (e instanceof PciDeviceFunction f) {
                    taken.addAll(f.barRanges());
                    takenPorts.addAll(f.ioBarRanges());
                }
            }
            for (PciBar b : spec.bars()) {
                List<PciBarWindow.Range> in = b.io() ? takenPorts : taken;
                long base = (b.io() ? ioWindow : window).allocate(b.size(), in);
                if (base < 0) {
                    throw new DeviceException(owner + ": no room left for a " + (b.io() ? b.size() + "-port I/O"
                            : (b.size() >> 10) + " KiB") + " BAR in the PCI window");
                }
                addresses[b.index()] = base;
                in.add(new PciBarWindow.Range(base, b.size()));
            }
        }
        PciDeviceFunction f = new PciDeviceFunction(owner, slot, spec, host, intxRouting, window, addresses);
        slots[slot] = f;
        return f;
    }

    /**
     * Removes every function {@code owner} plugged, at once: the guest is not asked (for that, {@link #requestUnplug}
     * first and unplug when the guest has ejected the slot). The BAR ranges of a function whose slot the guest ejected
     * are free for the next plug; those of one it did not eject stay taken until {@link #reset}, since the guest may
     * still use them.
     */
    public void unplug(String owner) {
        // Asked before taking this bus's lock: the hotplug controller calls into the bus under its own.
        List<Integer> ejected = slotsOf(owner).stream().filter(hotplug::ejected).toList();
        List<PciDeviceFunction> gone = new ArrayList<>();
        synchronized (this) {
            for (int i = 1; i < SLOTS; i++) {
                if (slots[i] instanceof PciDeviceFunction f && f.owner().equals(owner)) {
                    slots[i] = null;
                    gone.add(f);
                    if (!ejected.contains(i)) {
                        synchronized (window) {
                            window.retire(f.barRanges());
                            ioWindow.retire(f.ioBarRanges());
                        }
                    }
                }
            }
        }
        for (PciDeviceFunction f : gone) {
            hotplug.slotFreed(f.slot());
            f.close();
        }
    }

    /**
     * {@code owner}'s functions stay plugged while a new instance of the device is built (a hot-swap): a configuration
     * fence the old instance earned is lifted, so that the new one starts clean.
     */
    public void liftFences(String owner) {
        for (PciDeviceFunction f : functions()) {
            if (f.owner().equals(owner)) {
                f.liftFence();
            }
        }
    }

    /** The ACPI hotplug controller of this bus; the machine maps its registers and connects it to the GPE block. */
    public PciHotplug hotplug() {
        return hotplug;
    }

    /** The owner of the function in {@code slot}, or null if there is none (slot 0 is the host bridge's). */
    public synchronized String ownerOf(int slot) {
        return slot > 0 && slot < SLOTS && slots[slot] instanceof PciDeviceFunction f ? f.owner() : null;
    }

    /** The slots that hold {@code owner}'s functions, lowest first; empty if it has none. */
    public synchronized List<Integer> slotsOf(String owner) {
        List<Integer> out = new ArrayList<>();
        for (int i = 1; i < SLOTS; i++) {
            if (slots[i] instanceof PciDeviceFunction f && f.owner().equals(owner)) {
                out.add(i);
            }
        }
        return out;
    }

    /**
     * Tells the running guest about the functions {@code owner} has just plugged ({@link PciHotplug#announceAdded}
     * for each of its slots). Not for devices plugged before the guest starts.
     *
     * @throws IllegalStateException if {@code owner} has no function here, or the hotplug controller has no GPE
     */
    public void announcePlugged(String owner) {
        List<Integer> mine = slotsOf(owner);
        if (mine.isEmpty()) {
            throw new IllegalStateException(owner + " has no function on PCI bus 0");
        }
        mine.forEach(hotplug::announceAdded);
    }

    /**
     * Asks the guest to eject {@code owner}'s functions ({@link PciHotplug#announceRemovalRequest} for each slot).
     * They stay plugged until the guest ejects them; the {@link PciHotplug.EjectListener} is then told.
     *
     * @return false if {@code owner} has no function here
     * @throws IllegalStateException if the hotplug controller has no GPE block
     */
    public boolean requestUnplug(String owner) {
        List<Integer> mine = slotsOf(owner);
        mine.forEach(hotplug::announceRemovalRequest);
        return !mine.isEmpty();
    }

    /**
     * Every function back to power-on state (machine reset), while the old VM still exists. Removals the guest was
     * asked for and never ejected are completed first ({@link PciHotplug#reset}: the eject listener is told). The
     * ranges of functions removed without an eject are free again: the guest that knew them has ended.
     */
    public void reset() {
        hotplug.reset();
        window.releaseRetired();
        ioWindow.releaseRetired();
        hostBridge.reset();
        for (ChipsetFunction f : chipset) {
            if (f != null) {
                f.reset();
            }
        }
        functions().forEach(PciDeviceFunction::reset);
    }

    /**
     * Holds the functions' MSI-X messages until {@link #releaseInterrupts()}, while a restore of the whole machine
     * resumes the devices before it puts back the vCPUs' local APICs, which would lose a message sent in between.
     */
    public void holdInterrupts() {
        functions().forEach(PciDeviceFunction::holdInterrupts);
    }

    /** Delivers what the functions signalled since {@link #holdInterrupts()}, and lets their signals through again. */
    public void releaseInterrupts() {
        functions().forEach(PciDeviceFunction::releaseInterrupts);
    }

    /** The type of {@link #saveState()}'s record. */
    public static final String STATE_TYPE = "pci-bus";
    public static final int STATE_VERSION = 1;

    /**
     * The bus as the guest left it, with the vCPUs paused and the devices quiesced: a {@value #STATE_TYPE} record
     * of the host bridge's configuration address register ({@code configAddress}), each function's configuration
     * ({@code functions}, in slot order: see {@code pci-function}) and the ACPI hotplug registers
     * ({@code hotplug}).
     */
    public StateRecord saveState() {
        List<StateRecord> saved = new ArrayList<>();
        for (PciDeviceFunction f : functions()) {
            saved.add(f.saveState());
        }
        return StateRecord.builder(STATE_TYPE, STATE_VERSION).put("configAddress", latch & 0xFFFF_FFFFL)
                .put("functions", saved).put("hotplug", hotplug.saveState()).build();
    }

    /**
     * Puts back what {@link #saveState} saved onto this bus, whose functions must be the same devices in the same
     * slots (the devices are plugged first, from the same configuration): every function's registers, BARs mapped
     * where the guest put them, MSI-X tables and routes, INTx levels, the hotplug registers and the configuration
     * address. The vCPUs must be paused.
     *
     * @throws StateException naming the slot and device if a function differs, is missing or is extra; the bus is
     *     unchanged then
     */
    public void restoreState(StateRecord r) throws StateException {
        r.require(STATE_TYPE, 1, STATE_VERSION);
        Map<Integer, StateRecord> bySlot = new HashMap<>();
        for (StateRecord f : r.getRecords("functions")) {
            f.require(PciDeviceFunction.STATE_TYPE, 1, PciDeviceFunction.STATE_VERSION);
            if (bySlot.put(f.getInt("slot"), f) != null) {
                throw new StateException(STATE_TYPE + ": slot " + f.getLong("slot") + " saved twice");
            }
        }
        Map<Integer, StateRecord> unmatched = new HashMap<>(bySlot);
        List<PciDeviceFunction> here = functions();
        for (PciDeviceFunction f : here) {
            StateRecord saved = unmatched.remove(f.slot());
            if (saved == null) {
                throw new StateException(String.format("PCI slot %02x holds %s here, but nothing in the saved state",
                        f.slot(), f.owner()));
            }
            if (!saved.getString("owner").equals(f.owner())) {
                throw new StateException(String.format("PCI slot %02x holds %s here, but %s in the saved state",
                        f.slot(), f.owner(), saved.getString("owner")));
            }
        }
        if (!unmatched.isEmpty()) {
            StateRecord extra = unmatched.values().iterator().next();
            throw new StateException(String.format("PCI slot %02x held %s in the saved state, but is empty here",
                    extra.getInt("slot"), extra.getString("owner")));
        }
        StateRecord hotplugState = r.getRecord("hotplug");
        int address = (int) r.getLong("configAddress") & 0x80FF_FFFC;
        hotplug.checkState(hotplugState);
        for (PciDeviceFunction f : here) {
            f.restoreState(bySlot.get(f.slot()));
        }
        hotplug.restoreState(hotplugState);
        latch = address;
    }

    /** What {@code query-pci} reports, in slot order. */
    public List<PciFunctionInfo> describe() {
        List<PciFunctionInfo> out = new ArrayList<>();
        out.add(chipsetInfo(0, 0, hostBridge));
        for (int fn = 0; fn < FUNCTIONS; fn++) {
            if (chipset[fn] != null) {
                out.add(chipsetInfo(CHIPSET_SLOT, fn, chipset[fn]));
            }
        }
        for (PciDeviceFunction f : functions()) {
            PciFunctionSpec s = f.spec();
            List<PciFunctionInfo.Region> regions = new ArrayList<>();
            for (PciBar b : s.bars()) {
                regions.add(new PciFunctionInfo.Region(b.index(), f.barAddress(b.index()), b.size(), b.bits64(),
                        b.io()));
            }
            out.add(new PciFunctionInfo(0, f.slot(), 0, s.vendorId(), s.deviceId(), s.classCode(), s.revision(),
                    s.subsystemVendorId(), s.subsystemId(), f.owner(), regions, f.readConfig(0x3C, 1)));
        }
        return out;
    }

    private static PciFunctionInfo chipsetInfo(int slot, int function, ChipsetFunction f) {
        return new PciFunctionInfo(0, slot, function, f.vendor(), f.device(), f.classCode(), f.revision(),
                ChipsetFunction.SUBSYSTEM_VENDOR, ChipsetFunction.SUBSYSTEM, "", List.of(), 0);
    }

    private synchronized List<PciDeviceFunction> functions() {
        List<PciDeviceFunction> out = new ArrayList<>();
        for (PciEndpoint e : slots) {
            if (e instanceof PciDeviceFunction f) {
                out.add(f);
            }
        }
        return out;
    }

    public long windowStart() {
        return window.start();
    }

    public long windowEnd() {
        return window.end();
    }
}
