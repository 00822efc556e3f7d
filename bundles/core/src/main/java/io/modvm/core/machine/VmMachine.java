package io.modvm.core.machine;

import io.modvm.api.accel.Accelerator;
import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.accel.BootState;
import io.modvm.api.accel.RamRegion;
import io.modvm.api.accel.VirtualMachine;
import io.modvm.api.accel.VmOptions;
import io.modvm.api.device.CharBackend;
import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.machine.Machine;
import io.modvm.api.machine.RunState;
import io.modvm.api.memory.GuestMemory;
import io.modvm.api.device.PowerButton;
import io.modvm.api.device.StatefulDevice;
import io.modvm.api.pci.PciFunction;
import io.modvm.api.pci.PciFunctionSpec;
import io.modvm.api.state.StateRecord;
import io.modvm.core.acpi.AcpiGpe;
import io.modvm.core.acpi.FirmwareTables;
import io.modvm.core.acpi.LevelLine;
import io.modvm.core.acpi.PcPlatform;
import io.modvm.core.acpi.SharedLevelLine;
import io.modvm.core.boot.BootException;
import io.modvm.core.boot.KernelImages;
import io.modvm.core.boot.KernelLoader;
import io.modvm.core.bus.IoBus;
import io.modvm.core.memory.MemoryLayout;
import io.modvm.core.memory.RamGuestMemory;
import io.modvm.core.pci.PciFunctionInfo;
import io.modvm.core.pci.PciHost;
import io.modvm.core.pci.PciRootBus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A machine assembled from a {@link MachineSpec}: RAM, buses, devices from the registry's factories, a loaded
 * kernel and one thread per vCPU. A guest reset tears the accelerator's VM down and builds a fresh one (the
 * devices stay, reset), which returns every vCPU, the interrupt controllers and the timer to power-on state
 * without tracking their state here.
 */
public final class VmMachine implements Machine {
    private static final Logger LOG = LoggerFactory.getLogger(VmMachine.class);
    private static final long PORT_SPACE = 0x10000;
    private static final long MMIO_SPACE = 1L << 52;

    private final MachineSpec spec;
    private final Accelerator accelerator;
    private final DeviceCatalog catalog;
    private final CharBackends backends;
    private final Consumer<String> errors;
    private final MemoryLayout layout;
    final IoBus pio = new IoBus("port", PORT_SPACE);
    final IoBus mmio = new IoBus("MMIO", MMIO_SPACE);
    /** The plugged devices, by id, in plug order; guarded by itself (plug, unplug, reset and close take it). */
    private final Map<String, Device> devices = new LinkedHashMap<>();
    /** Set under the devices lock once the machine ends: nothing may be plugged after that. */
    private boolean ended;
    private final List<PluggedDevice> coldPlugged = new ArrayList<>();
    private volatile Runnable onceDevicesPlugged;
    /** The SCI (IRQ 9), a wired OR of acpi-pm's PM1 events and the GPE block. */
    private final SharedLevelLine sci = new SharedLevelLine(level -> setIrq(PcPlatform.SCI_IRQ, level));
    private final AcpiGpe gpe = new AcpiGpe(sci.newSource());
    /** Set once the vCPUs first run: from then on a PCI device plugged or unplugged is announced to the guest. */
    private volatile boolean guestStarted;
    /** What to run once the guest has ejected a device whose removal was requested, by device id. */
    private final Map<String, Runnable> ejectRequested = new ConcurrentHashMap<>();
    private volatile java.util.function.Consumer<String> ejectedByGuest = id -> { };
    /** Each device's PCI functions, in the order it plugged them, with handlers that can change hands. */
    private final Map<String, List<PciBinding>> pciBindings = new ConcurrentHashMap<>();
    /** How long a hot-swap waits for the last vCPU to stop before it goes on. */
    private static final long SWAP_PAUSE_MILLIS = 2000;
    private final Object swapLock = new Object();
    /** Devices parked for a hot-swap; the vCPUs stay paused while any is, if the swap paused them. */
    private final java.util.Set<String> swapping = new java.util.HashSet<>();
    private boolean swapPaused;
    final PciRootBus pci;
    private final MachineEvents events;

    /** Held for reading by anything that uses the VM from outside a vCPU thread; the VM is closed under the write lock. */
    private final ReentrantReadWriteLock vmLock = new ReentrantReadWriteLock();
    private volatile VirtualMachine vm;
    private volatile GuestMemory memory;

    private final Object control = new Object();
    private MachineEvent event;
    /** Whether this run has taken {@link #event}; until then a later end may still replace it. */
    private boolean eventTaken;
    /** A reset that an end replaced before the run took it: QEMU still announces it (RESET, then SHUTDOWN). */
    private MachineEvent replacedReset;
    /** The first event that ends the machine; it outlives the run it arrived in, so a reset cannot swallow it. */
    private MachineEvent ending;
    private volatile boolean stopRequested;
    private volatile boolean pauseRequested;
    private int parked;
    private int live;
    private volatile RunState state = RunState.PRELAUNCH;
    /** Host limitations are told once, when the first VM exists, so that an error before it stays one line. */
    private boolean noted;
    private final List<VcpuThread> vcpus = new ArrayList<>();
    private volatile Runnable onceRunning;

    public VmMachine(MachineSpec spec, Accelerator accelerator, DeviceCatalog catalog, Consumer<String> errors,
            MachineEvents events) {
        this.spec = spec;
        this.accelerator = accelerator;
        this.catalog = catalog;
        this.errors = errors;
        this.events = events;
        this.layout = new MemoryLayout(spec.memoryBytes());
        this.backends = new CharBackends(() -> quit(0));
        this.pci = new PciRootBus(new MachinePciHost(this), PcPlatform.PCI_HOLE_START, PcPlatform.PCI_HOLE_END);
        pio.claimShared(PciRootBus.CONFIG_ADDRESS_PORT, 1, "pci", pci.addressPort());
        pio.claimShared(PciRootBus.CONFIG_DATA_PORT, 4, "pci", pci.dataPort());
        pio.claimShared(PcPlatform.GPE0_BLOCK_PORT, PcPlatform.GPE0_BLOCK_LENGTH, "gpe0", gpe.registers());
        pio.claimShared(PcPlatform.PCI_HOTPLUG_PORT, PcPlatform.PCI_HOTPLUG_LENGTH, "pci-hotplug",
                pci.hotplug().registers());
        pci.hotplug().connect(gpe);
        pci.hotplug().onEject((slot, owner) -> ejected(owner));
    }

    /**
     * Tells {@code listener} the id of a device the guest ejected on its own (no device_del asked for it), after
     * the machine unplugged it.
     */
    public void onGuestEject(java.util.function.Consumer<String> listener) {
        this.ejectedByGuest = listener;
    }

    /**
     * Runs {@code hook} on the machine's thread once the vCPUs first run: the machine is then announced, so that a
     * monitor never sees it half built (QEMU serves QMP from its main loop, with the guest already running).
     */
    public void onceRunning(Runnable hook) {
        this.onceRunning = hook;
    }

    /**
     * Runs {@code hook} on the machine's thread once the command line's devices are plugged and before the vCPUs
     * first run: the device manager adopts those devices and plugs the configurations that wait for a machine.
     */
    public void onceDevicesPlugged(Runnable hook) {
        this.onceDevicesPlugged = hook;
    }

    /** Runs the machine until it ends; returns the process exit status. */
    public int run() throws MachineException {
        KernelLoader loader;
        try {
            loader = KernelImages.loaderFor(spec.kernel(), spec.cmdline(), spec.initrd());
        } catch (BootException e) {
            throw new MachineException(e.getMessage(), e);
        }
        String report = "";
        try {
            plugDevices();
            Runnable plugged = onceDevicesPlugged;
            onceDevicesPlugged = null;
            if (plugged != null) {
                plugged.run();
            }
            while (true) {
                MachineEvent pending = ending();
                MachineEvent e = pending != null ? pending : runOnce(loader);
                MachineEvent replaced = takeReplacedReset();
                if (replaced != null && e.kind() != MachineEvent.Kind.RESET) {
                    events.emit("RESET", Map.of("guest", replaced.guest(), "reason", replaced.reason()));
                }
                if (e.kind() == MachineEvent.Kind.RESET) {
                    events.emit("RESET", Map.of("guest", e.guest(), "reason", e.reason()));
                }
                if (e.kind() == MachineEvent.Kind.RESET && !spec.noReboot()) {
                    LOG.info("guest reset: restarting");
                    continue;
                }
                events.emit("SHUTDOWN", Map.of("guest", e.guest(), "reason", e.shutdownReason()));
                report = e.report();
                return e.status();
            }
        } finally {
            state = RunState.SHUTDOWN;
            synchronized (devices) {
                ended = true;
                for (Map.Entry<String, Device> d : devices.entrySet()) {
                    try {
                        d.getValue().close();
                    } catch (RuntimeException ex) {
                        LOG.warn("device {} failed to close", d.getKey(), ex);
                    }
                    pci.unplug(d.getKey());
                }
                devices.clear();
            }
            // The console leaves raw mode first, so that the report reads as lines on the terminal.
            backends.close();
            report.lines().forEach(errors);
            LOG.debug("unmapped accesses: {} port, {} MMIO", pio.unclaimedAccesses(), mmio.unclaimedAccesses());
        }
    }

    private void plugDevices() throws MachineException {
        Map<String, Integer> counters = new java.util.HashMap<>();
        for (DeviceSpec d : spec.devices()) {
            DeviceFactory factory = catalog.find(d.type());
            if (factory == null) {
                throw new MachineException("-device " + d.type() + ": unknown device type; known types: "
                        + String.join(", ", catalog.types()) + " (see -device help)");
            }
            String id = d.id();
            if (id == null) {
                int n = counters.merge(d.type(), 1, Integer::sum) - 1;
                id = d.type() + "." + n;
            }
            synchronized (devices) {
                if (devices.containsKey(id)) {
                    throw new MachineException("-device " + d.type() + ": duplicate id '" + id + "'");
                }
            }
            try {
                create(id, factory, d.properties());
            } catch (DeviceException e) {
                throw new MachineException("-device " + d.type() + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new MachineException("-device " + d.type() + ": the device failed to start: " + e, e);
            }
            coldPlugged.add(new PluggedDevice(id, d.type(), d.properties(), factory));
        }
    }

    /** The devices the machine's spec named (the command line), as plugged: the device manager adopts them. */
    public List<PluggedDevice> coldPlugged() {
        return List.copyOf(coldPlugged);
    }

    /**
     * Builds a device through its factory and records it; on failure, whatever it claimed is released. vCPUs may
     * run meanwhile: the buses are copy-on-write and a PCI slot becomes visible to the guest once it is filled.
     */
    private void create(String id, DeviceFactory factory, Map<String, String> properties) throws DeviceException {
        synchronized (devices) {
            if (ended) {
                throw new DeviceException(id + ": the machine has ended");
            }
            if (devices.containsKey(id)) {
                throw new DeviceException("Duplicate device ID '" + id + "'");
            }
            MachineDeviceContext context = new MachineDeviceContext(this, id);
            try {
                devices.put(id, factory.create(context, properties));
            } catch (DeviceException | RuntimeException | LinkageError e) {
                release(id);
                throw e;
            }
        }
    }

    /**
     * Plugs a device into the machine (QMP device_add, a configuration that arrived). Once the guest runs, its PCI
     * functions are announced through ACPI PCI hotplug, so that the guest's OS adds them without rescanning.
     *
     * @throws DeviceException the factory's one-line message, a duplicate id, or a machine that has ended
     */
    public void plug(String id, DeviceFactory factory, Map<String, String> properties) throws DeviceException {
        try {
            create(id, factory, properties);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("device {} ({}) failed to start", id, factory.type(), e);
            throw new DeviceException("the device failed to start: " + e, e);
        }
        LOG.info("device {} ({}) plugged", id, factory.type());
        if (guestStarted && !pci.slotsOf(id).isEmpty()) {
            try {
                pci.announcePlugged(id);
            } catch (IllegalStateException e) {
                LOG.warn("device {}: the guest could not be told of it: {}", id, e.getMessage());
            }
        }
    }

    /**
     * Removes a device with the guest's cooperation, as QEMU's device_del: a PCI device of a guest that runs stays
     * until the guest has ejected its slot (ACPI PCI hotplug), then is unplugged and {@code gone} runs on the thread
     * that saw the eject; a guest that never ejects keeps it until the machine resets. Any other device is unplugged
     * at once. Returns false, without running {@code gone}, if no device has that id.
     */
    public boolean requestUnplug(String id, Runnable gone) {
        synchronized (devices) {
            if (!devices.containsKey(id)) {
                return false;
            }
        }
        if (guestStarted && !pci.slotsOf(id).isEmpty()) {
            if (ejectRequested.putIfAbsent(id, gone) != null) {
                return true; // asked already
            }
            try {
                pci.requestUnplug(id);
                return true;
            } catch (IllegalStateException e) {
                ejectRequested.remove(id);
                LOG.warn("device {}: the guest could not be asked to eject it ({}); unplugged at once", id,
                        e.getMessage());
            }
        }
        if (unplug(id)) {
            gone.run();
        }
        return true;
    }

    /** The guest ejected a slot (asked to, or on its own, or the reset completed a pending request). */
    private void ejected(String owner) {
        boolean requested = ejectRequested.containsKey(owner);
        if (unplug(owner) && !requested) {
            ejectedByGuest.accept(owner);
        }
    }

    /**
     * Unplugs a device at once, without asking the guest: takes its PCI function, ports and MMIO ranges off the
     * buses (so that no guest access reaches it any more), then closes it. A removal that was waiting for the
     * guest's eject is complete with it. Returns false if no device has that id.
     */
    public boolean unplug(String id) {
        synchronized (devices) {
            Device d = devices.remove(id);
            if (d == null && !pciBindings.containsKey(id)) {
                return false;
            }
            release(id);
            if (d != null) {
                try {
                    d.close();
                } catch (RuntimeException e) {
                    LOG.warn("device {} failed to close", id, e);
                }
            }
        }
        releaseSwap(id);
        LOG.info("device {} unplugged", id);
        Runnable gone = ejectRequested.remove(id);
        if (gone != null) {
            gone.run();
        }
        return true;
    }

    private void release(String id) {
        pci.unplug(id);
        pciBindings.remove(id);
        pio.releaseAll(id);
        mmio.releaseAll(id);
    }

    /**
     * A device plugs its {@code index}-th PCI function. During a hot-swap the new instance gets the function its
     * predecessor parked, if it describes the same function; otherwise the function is plugged in a free slot.
     */
    PciFunction plugPci(String id, PciFunctionSpec spec, int index) throws DeviceException {
        List<PciBinding> mine = pciBindings.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>());
        if (index < mine.size() && mine.get(index).parked()) {
            return mine.get(index).takeOver(id, spec);
        }
        PciBinding b = new PciBinding(spec);
        PciFunction f = pci.plug(id, b.busSpec());
        b.plugged(f);
        mine.add(b);
        return f;
    }

    /**
     * Hot-swap, first half (the device's factory is leaving): pauses the vCPUs, quiesces the device and takes its
     * state while its classes still exist, parks its PCI functions (slot, BARs, MSI-X stay as the guest knows them;
     * accesses read 0 meanwhile) and closes the old instance. The vCPUs stay paused until {@link #restore} or
     * {@link #discardParked}. Returns null, having changed nothing, if the device cannot be swapped (it is not a
     * {@link StatefulDevice}, has no PCI function, or failed to save its state).
     */
    public StateRecord park(String id) {
        synchronized (devices) {
            if (!(devices.get(id) instanceof StatefulDevice) || !pciBindings.containsKey(id)) {
                return null;
            }
        }
        holdForSwap(id);
        synchronized (devices) {
            Device d = devices.get(id);
            StateRecord state;
            try {
                StatefulDevice sd = (StatefulDevice) d;
                sd.quiesce();
                state = sd.saveState();
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("device {}: its state could not be saved; it is unplugged instead of swapped", id, e);
                try {
                    ((StatefulDevice) d).resume();
                } catch (RuntimeException | LinkageError ex) {
                    LOG.debug("device {} did not resume", id, ex);
                }
                releaseSwap(id);
                return null;
            }
            pciBindings.get(id).forEach(PciBinding::park);
            devices.remove(id);
            releaseInstance(id);
            try {
                d.close();
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("device {} failed to close after saving its state", id, e);
            }
            LOG.info("device {} parked for a hot-swap", id);
            return state;
        }
    }

    /**
     * Hot-swap, second half: {@code factory} builds the device that takes over {@code state} and gets the parked
     * PCI functions back; the vCPUs go on. On failure the functions stay parked, for {@link #discardParked}.
     *
     * @throws DeviceException the factory's reason, or a new device that does not take its PCI function back
     */
    public void restore(String id, DeviceFactory factory, Map<String, String> properties, StateRecord state)
            throws DeviceException {
        synchronized (devices) {
            if (ended) {
                throw new DeviceException(id + ": the machine has ended");
            }
            Device d;
            try {
                d = factory.restore(new MachineDeviceContext(this, id), properties, state);
            } catch (DeviceException | RuntimeException | LinkageError e) {
                repark(id);
                throw e instanceof DeviceException de ? de
                        : new DeviceException(id + ": the new device failed to take over: " + e, e);
            }
            if (pciBindings.getOrDefault(id, List.of()).stream().anyMatch(PciBinding::parked)) {
                try {
                    d.close();
                } finally {
                    repark(id);
                }
                throw new DeviceException(id + ": the new device did not take its PCI function back");
            }
            devices.put(id, d);
        }
        releaseSwap(id);
        LOG.info("device {} taken over by a new {} instance", id, factory.type());
    }

    /**
     * A take-over failed: what the new instance claimed directly is released, and every function of the device is
     * parked again (one it took back must not serve a half-built device); {@link #discardParked} removes them all.
     */
    private void repark(String id) {
        pciBindings.getOrDefault(id, List.of()).forEach(PciBinding::park);
        releaseInstance(id);
    }

    /**
     * Takes what one instance of a device holds off the buses, keeping its PCI functions for the next instance:
     * its ports and MMIO ranges, and with them any fence it earned there or in configuration space.
     */
    private void releaseInstance(String id) {
        pio.releaseAll(id);
        mmio.releaseAll(id);
        pci.liftFences(id);
    }

    /**
     * The hot-swap is abandoned (no new factory in time, or it refused the state): the vCPUs go on and the parked
     * device is removed with the guest's cooperation, as {@link #requestUnplug} does; {@code gone} runs once it is.
     * Returns false if nothing is parked under {@code id}.
     */
    public boolean discardParked(String id, Runnable gone) {
        synchronized (devices) {
            if (devices.containsKey(id) || !pciBindings.containsKey(id)) {
                return false;
            }
        }
        releaseSwap(id);
        if (guestStarted && ejectRequested.putIfAbsent(id, gone) == null) {
            try {
                pci.requestUnplug(id);
                return true;
            } catch (IllegalStateException e) {
                ejectRequested.remove(id);
            }
        }
        if (unplug(id)) {
            gone.run();
        }
        return true;
    }

    private void holdForSwap(String id) {
        boolean pause;
        synchronized (swapLock) {
            pause = swapping.isEmpty();
            swapping.add(id);
        }
        if (pause) {
            boolean paused = pauseVcpus(SWAP_PAUSE_MILLIS);
            synchronized (swapLock) {
                swapPaused |= paused;
            }
        }
    }

    private void releaseSwap(String id) {
        boolean resume;
        synchronized (swapLock) {
            resume = swapping.remove(id) && swapping.isEmpty() && swapPaused;
            if (resume) {
                swapPaused = false;
            }
        }
        if (resume) {
            resumeVcpus();
        }
    }

    /** The ids of the plugged devices, in plug order. */
    public List<String> deviceIds() {
        synchronized (devices) {
            return List.copyOf(devices.keySet());
        }
    }

    /**
     * Stops device work and returns the PCI functions to power-on state while the VM and its RAM still exist, so
     * that no device thread touches guest memory or the VM's interrupt wiring after they are gone.
     */
    private void quiesceDevices() {
        synchronized (devices) {
            for (Map.Entry<String, Device> d : devices.entrySet()) {
                try {
                    d.getValue().reset();
                } catch (RuntimeException ex) {
                    LOG.warn("device {} failed to reset", d.getKey(), ex);
                }
            }
        }
        // Outside the devices lock: a removal the guest never ejected completes here, and its DEVICE_DELETED goes
        // to the device manager, which plugs under its own lock and then takes the devices lock.
        pci.reset();
        gpe.reset();
    }

    private MachineEvent runOnce(KernelLoader loader) throws MachineException {
        synchronized (control) {
            event = null;
            eventTaken = false;
            stopRequested = false;
            pauseRequested = false;
            parked = 0;
            live = 0;
            vcpus.clear();
        }
        VirtualMachine created;
        try {
            created = accelerator.createVm(new VmOptions(spec.name(), spec.vcpus()));
        } catch (AcceleratorException e) {
            throw new MachineException(e.getMessage(), e);
        }
        vm = created;
        if (!noted && loader.bootsLinux()) {
            noted = true;
            accelerator.hostLimitations().forEach(line -> errors.accept("note: " + line));
        }
        try {
            RamRegion ram = created.allocateRam("ram", spec.memoryBytes());
            RamGuestMemory.Builder builder = new RamGuestMemory.Builder();
            created.mapRam(0, 0, ram, 0, layout.lowRamSize(), false);
            builder.add(0, ram, 0, layout.lowRamSize());
            if (layout.highRamSize() > 0) {
                created.mapRam(1, MemoryLayout.HIGH_RAM_START, ram, layout.lowRamSize(), layout.highRamSize(),
                        false);
                builder.add(MemoryLayout.HIGH_RAM_START, ram, layout.lowRamSize(), layout.highRamSize());
            }
            memory = builder.build();
            long rsdp = FirmwareTables.write(memory, spec.vcpus(), true);
            BootState boot = loader.load(memory, layout, rsdp);
            synchronized (control) {
                for (int i = 0; i < spec.vcpus(); i++) {
                    VcpuThread t = new VcpuThread(this, created, i, i == 0 ? boot : null);
                    vcpus.add(t);
                    live++;
                }
            }
            vcpus.forEach(VcpuThread::start);
            guestStarted = true;
            state = RunState.RUNNING;
            Runnable hook = onceRunning;
            onceRunning = null;
            if (hook != null) {
                hook.run();
            }
            MachineEvent e = awaitEvent();
            stopVcpus();
            return e;
        } catch (AcceleratorException | BootException e) {
            stopVcpus();
            throw new MachineException(e.getMessage(), e);
        } finally {
            quiesceDevices();
            vmLock.writeLock().lock();
            try {
                vm = null;
                created.close();
            } finally {
                vmLock.writeLock().unlock();
            }
        }
    }

    private MachineEvent awaitEvent() {
        synchronized (control) {
            while (event == null) {
                try {
                    control.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return MachineEvent.exit(1);
                }
            }
            eventTaken = true;
            return event;
        }
    }

    private void stopVcpus() {
        List<VcpuThread> threads;
        synchronized (control) {
            stopRequested = true;
            control.notifyAll();
            threads = List.copyOf(vcpus);
        }
        for (VcpuThread t : threads) {
            t.kick();
        }
        for (VcpuThread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Records why this run ends: the first event of a run counts, except that an end beats a pending reset. */
    void post(MachineEvent e) {
        synchronized (control) {
            if (e.kind() != MachineEvent.Kind.RESET && ending == null) {
                ending = e;
            }
            // An end overrides a reset still waiting to be handled (QMP system_reset then quit).
            if (event == null || event.kind() == MachineEvent.Kind.RESET && e.kind() != MachineEvent.Kind.RESET) {
                if (event != null && !eventTaken && replacedReset == null) {
                    replacedReset = event;
                }
                event = e;
                control.notifyAll();
            }
        }
    }

    private MachineEvent takeReplacedReset() {
        synchronized (control) {
            MachineEvent r = replacedReset;
            replacedReset = null;
            return r;
        }
    }

    private MachineEvent ending() {
        synchronized (control) {
            return ending;
        }
    }

    boolean stopRequested() {
        return stopRequested;
    }

    /** Called on a vCPU thread after a kick: parks it while a pause lasts. Returns false to leave the run loop. */
    boolean parkIfPaused() {
        if (stopRequested) {
            return false;
        }
        if (!pauseRequested) {
            return true;
        }
        synchronized (control) {
            parked++;
            control.notifyAll();
            while (pauseRequested && !stopRequested) {
                try {
                    control.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            parked--;
            return !stopRequested;
        }
    }

    void vcpuEnded() {
        synchronized (control) {
            live--;
            control.notifyAll();
        }
    }

    /** Guest RAM of the current run; null between runs. */
    public GuestMemory memory() {
        return memory;
    }

    MemoryLayout layout() {
        return layout;
    }

    CharBackend backend(String spec) throws DeviceException {
        return backends.open(spec);
    }

    /** A new source of the SCI, which acpi-pm and the GPE block share. */
    LevelLine sciSource() {
        return sci.newSource();
    }

    /** Drives an interrupt line of the current VM; a no-op between VMs (during a reset). */
    void setIrq(int gsi, boolean level) {
        vmLock.readLock().lock();
        try {
            VirtualMachine current = vm;
            if (current != null) {
                current.setIrqLine(gsi, level);
            }
        } catch (AcceleratorException e) {
            LOG.debug("IRQ {} not delivered: {}", gsi, e.getMessage());
        } finally {
            vmLock.readLock().unlock();
        }
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public RunState state() {
        return state;
    }

    @Override
    public void pause() {
        if (pauseVcpus(Long.MAX_VALUE)) {
            events.emit("STOP", null);
        }
    }

    /**
     * Parks every vCPU, waiting at most {@code waitMillis} for the last one; returns true if the machine went from
     * running to paused.
     */
    private boolean pauseVcpus(long waitMillis) {
        List<VcpuThread> threads;
        synchronized (control) {
            if (state != RunState.RUNNING) {
                return false;
            }
            pauseRequested = true;
            threads = List.copyOf(vcpus);
        }
        threads.forEach(VcpuThread::kick);
        boolean bounded = waitMillis != Long.MAX_VALUE;
        long deadline = System.nanoTime() + (bounded ? waitMillis * 1_000_000 : 0);
        synchronized (control) {
            while (parked < live && !stopRequested) {
                if (bounded && System.nanoTime() - deadline > 0) {
                    LOG.warn("{} of {} vCPUs still running after {} ms; going on", live - parked, live,
                            waitMillis);
                    break;
                }
                try {
                    control.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                if (parked < live) {
                    // A kick that raced a vCPU's own exit handling is simply repeated.
                    threads.forEach(VcpuThread::kick);
                }
            }
            if (stopRequested) {
                return false;
            }
            state = RunState.PAUSED;
            return true;
        }
    }

    @Override
    public void resume() {
        if (resumeVcpus()) {
            events.emit("RESUME", null);
        }
    }

    private boolean resumeVcpus() {
        synchronized (control) {
            pauseRequested = false;
            boolean resumed = state == RunState.PAUSED;
            if (resumed) {
                state = RunState.RUNNING;
            }
            control.notifyAll();
            return resumed;
        }
    }

    @Override
    public boolean powerDown() {
        List<Device> snapshot;
        synchronized (devices) {
            snapshot = List.copyOf(devices.values());
        }
        for (Device d : snapshot) {
            if (d instanceof PowerButton button) {
                button.press();
                events.emit("POWERDOWN", null);
                return true;
            }
        }
        return false;
    }

    /** The in-kernel IOAPIC and local APIC windows; no device may claim them. */
    private static final long[][] CHIPSET_MMIO = {{PcPlatform.IOAPIC_ADDRESS, 0x1000},
        {PcPlatform.LAPIC_ADDRESS, 0x10_0000}};

    /** What {@code [base, base + length)} would shadow ("guest RAM", "the interrupt controller at ..."), or null. */
    String mmioConflict(long base, long length) {
        if (overlaps(base, length, 0, layout.lowRamSize())
                || overlaps(base, length, MemoryLayout.HIGH_RAM_START, layout.highRamSize())) {
            return "guest RAM";
        }
        for (long[] chip : CHIPSET_MMIO) {
            if (overlaps(base, length, chip[0], chip[1])) {
                return String.format("the interrupt controller at 0x%x", chip[0]);
            }
        }
        return null;
    }

    private static boolean overlaps(long base, long length, long start, long size) {
        return size > 0 && base < start + size && start < base + length;
    }

    /** The guest powered off (ACPI S5). */
    void powerOff() {
        post(MachineEvent.powerOff());
    }

    /** The PCI functions, for {@code query-pci}. */
    public List<PciFunctionInfo> pciFunctions() {
        return pci.describe();
    }

    /** Runs {@code action} on the current VM under the VM lock; null between VMs. */
    <T> T withVm(PciHost.VmAction<T> action) throws AcceleratorException {
        vmLock.readLock().lock();
        try {
            VirtualMachine current = vm;
            return current == null ? null : action.apply(current);
        } finally {
            vmLock.readLock().unlock();
        }
    }

    Accelerator accelerator() {
        return accelerator;
    }

    @Override
    public void reset() {
        post(MachineEvent.hostReset());
    }

    @Override
    public void quit(int status) {
        post(MachineEvent.exit(status));
    }
}
