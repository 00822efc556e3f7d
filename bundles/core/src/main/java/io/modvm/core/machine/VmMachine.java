package io.modvm.core.machine;

import io.modvm.api.accel.Accelerator;
import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.accel.BootState;
import io.modvm.api.accel.DirtyPageLog;
import io.modvm.api.accel.RamRegion;
import io.modvm.api.accel.VirtualMachine;
import io.modvm.api.accel.VmOptions;
import io.modvm.api.device.PowerButton;
import io.modvm.api.machine.Machine;
import io.modvm.api.machine.PauseHold;
import io.modvm.api.machine.RunState;
import io.modvm.api.memory.GuestMemory;
import io.modvm.api.monitor.MonitorEvents;
import io.modvm.api.monitor.QmpEvents;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.core.acpi.FirmwareTables;
import io.modvm.core.boot.BootException;
import io.modvm.core.boot.BootPlan;
import io.modvm.core.boot.KernelImages;
import io.modvm.core.boot.KernelLoader;
import io.modvm.core.bus.IoBus;
import io.modvm.core.devices.DeviceBackends;
import io.modvm.core.devices.MachineDevices;
import io.modvm.core.pci.PciFunctionInfo;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A machine assembled from a {@link MachineSpec}: the {@link Machine} facade and the run loop. Its parts each have a
 * class of their own: guest RAM ({@link GuestRam}), the PC platform the core serves ({@link PcPlatformWiring}), the
 * vCPU threads and their pause gate ({@link VcpuSet}), why a run ends ({@link RunEndArbiter}), and the devices
 * ({@link MachineDevices}). A guest reset tears the accelerator's VM down and builds a fresh one (the devices stay,
 * reset), which returns every vCPU, the interrupt controllers and the timer to power-on state without tracking
 * their state here.
 */
public final class VmMachine implements Machine {
    private static final Logger LOG = LoggerFactory.getLogger(VmMachine.class);
    private static final long PORT_SPACE = 0x10000;
    private static final long MMIO_SPACE = 1L << 52;

    /** Work done on the machine's thread before its vCPUs first run; a failure ends the machine. */
    @FunctionalInterface
    public interface StartHook {
        void run() throws MachineException;
    }

    private final MachineSpec spec;
    private final Accelerator accelerator;
    private final Consumer<String> errors;
    private final MonitorEvents events;
    private final IoBus pio = new IoBus("port", PORT_SPACE);
    private final IoBus mmio = new IoBus("MMIO", MMIO_SPACE);
    private final GuestRam ram;
    private final CurrentVm vm = new CurrentVm();
    private final PcPlatformWiring platform;
    private final DeviceBackends backends;
    private final RunEndArbiter ends = new RunEndArbiter();
    private final VcpuSet vcpus;
    private final MachineDevices devices;
    /** Set once the vCPUs first run: from then on a PCI device plugged or unplugged is announced to the guest. */
    private volatile boolean guestStarted;
    private volatile RunState state = RunState.PRELAUNCH;
    /** Host limitations are told once, when the first VM exists, so that an error before it stays one line. */
    private boolean noted;
    private volatile StartMode start = StartMode.NORMAL;
    /** What the monitor is shown instead of the run state while a migration or snapshot has the machine. */
    private volatile RunState shown;
    /** Keeps the guest from running until an incoming stream or snapshot is loaded; guarded by monitorLock. */
    private Hold incomingHold;
    /** Set by a migration that left the devices quiesced; see {@link #beforeResumeFromMigration}. */
    private volatile Runnable afterMigration;
    private volatile boolean handedOver;
    private volatile StartHook onStart;
    private final BootPlan specKernelPlan = this::specKernel;
    private volatile BootPlan bootPlan = specKernelPlan;
    private volatile Runnable onceRunning;
    /** The monitor's {@code stop}, until {@code cont}; guarded by itself. */
    private final Object monitorLock = new Object();
    private Hold monitorHold;

    /**
     * @param errors where lines for the user go (host notes, an error report)
     * @param events where QMP events go
     * @param backends the backends devices take; closed when the machine ends
     * @param swapTimeoutMillis how long a device whose factory left waits for a new one (see {@link MachineDevices})
     */
    public VmMachine(MachineSpec spec, Accelerator accelerator, Consumer<String> errors, MonitorEvents events,
            DeviceBackends backends, long swapTimeoutMillis) {
        this.spec = spec;
        this.accelerator = accelerator;
        this.errors = errors;
        this.events = events;
        this.ram = new GuestRam(spec.memoryBytes());
        this.backends = backends;
        this.platform = new PcPlatformWiring(pio, new MachinePciHost(ram, mmio, pio, accelerator, vm), vm::setIrq);
        this.vcpus = new VcpuSet(pio, mmio, ends::post);
        this.devices = new MachineDevices(new MachineWiring(pio, mmio, ram, platform, vm, backends, ends::post,
                () -> guestStarted), this, swapTimeoutMillis);
    }

    /** The machine's devices: the device manager plugs into them. */
    public MachineDevices devices() {
        return devices;
    }

    /**
     * Runs {@code hook} on the machine's thread before the vCPUs first run: the device manager plugs the command
     * line's devices there, so that a bad {@code -device} ends the machine before it starts.
     */
    public void onStart(StartHook hook) {
        this.onStart = hook;
    }

    /**
     * Runs {@code hook} on the machine's thread once the vCPUs first run: the machine is then announced, so that a
     * monitor never sees it half built (QEMU serves QMP from its main loop, with the guest already running).
     */
    public void onceRunning(Runnable hook) {
        this.onceRunning = hook;
    }

    /**
     * How the guest starts, chosen after the start hook has opened the command line's backends; by default the
     * spec's kernel. Set before {@link #run}.
     */
    public void bootPlan(BootPlan plan) {
        this.bootPlan = plan;
    }

    private KernelLoader specKernel() throws BootException {
        return KernelImages.loaderFor(spec.kernel(), spec.cmdline(), spec.initrd());
    }

    /** How the first run starts ({@code -S}, {@code -incoming}, {@code -loadvm}); set before {@link #run}. */
    public void startMode(StartMode mode) {
        this.start = mode;
    }

    public StartMode startMode() {
        return start;
    }

    /** Runs the machine until it ends; returns the process exit status. */
    public int run() throws MachineException {
        // A kernel the command line names is read before anything opens, as always: a bad file is one line and
        // nothing else starts. Other plans read the disks the start hook opens.
        KernelLoader early = null;
        if (bootPlan == specKernelPlan) {
            try {
                early = bootPlan.loader();
            } catch (BootException e) {
                throw new MachineException(e.getMessage(), e);
            }
        }
        String report = "";
        try {
            StartHook hook = onStart;
            onStart = null;
            if (hook != null) {
                hook.run();
            }
            KernelLoader loader;
            try {
                loader = early != null ? early : bootPlan.loader();
                loader.attach(new MachineFirmwareHost(ram, pio, spec.vcpus()));
            } catch (BootException e) {
                throw new MachineException(e.getMessage(), e);
            }
            while (true) {
                RunEnd pending = ends.pendingEnd();
                RunEnd e = pending != null ? pending : runOnce(loader);
                RunEndArbiter.Outcome outcome = ends.conclude(e, spec.noReboot());
                for (RunEnd reset : outcome.resets()) {
                    events.emit(QmpEvents.RESET, Map.of("guest", reset.guest(), "reason", reset.reason()));
                }
                if (outcome.restart()) {
                    LOG.info("guest reset: restarting");
                    continue;
                }
                events.emit(QmpEvents.SHUTDOWN, Map.of("guest", e.guest(), "reason", e.reason()));
                report = e.report();
                return e.status();
            }
        } finally {
            state = RunState.SHUTDOWN;
            devices.closeAll();
            // The console leaves raw mode first, so that the report reads as lines on the terminal.
            backends.closeAll();
            report.lines().forEach(errors);
            LOG.debug("unmapped accesses: {} port, {} MMIO", pio.unclaimedAccesses(), mmio.unclaimedAccesses());
        }
    }

    private RunEnd runOnce(KernelLoader loader) throws MachineException {
        ends.newRun();
        VirtualMachine created;
        try {
            created = accelerator.createVm(new VmOptions(spec.name(), spec.vcpus()));
        } catch (AcceleratorException e) {
            throw new MachineException(e.getMessage(), e);
        }
        vm.set(created);
        if (!noted && loader.bootsLinux()) {
            noted = true;
            accelerator.hostLimitations().forEach(line -> errors.accept("note: " + line));
        }
        try {
            GuestMemory memory = ram.map(created);
            long rsdp = FirmwareTables.write(memory, spec.vcpus(), true);
            BootState boot = loader.load(memory, ram.layout(), rsdp);
            if (!guestStarted) {
                holdForStart();
            }
            vcpus.start(created, spec.vcpus(), boot);
            guestStarted = true;
            state = RunState.RUNNING;
            Runnable hook = onceRunning;
            onceRunning = null;
            if (hook != null) {
                hook.run();
            }
            RunEnd e = awaitEnd();
            vcpus.stop();
            return e;
        } catch (AcceleratorException | BootException e) {
            vcpus.stop();
            throw new MachineException(e.getMessage(), e);
        } finally {
            // Devices stop before the VM and its RAM go, so that no device thread touches them afterwards. A removal
            // the guest never ejected completes in the platform's reset, outside the devices' lock: its
            // DEVICE_DELETED goes to the device manager, which plugs under its own lock.
            devices.resetAll();
            platform.reset();
            ram.retire();
            vm.close(created);
        }
    }

    /**
     * Before the first run: {@code -S} holds the vCPUs as the monitor's {@code stop} does (so {@code cont} starts
     * them); {@code -incoming} and {@code -loadvm} hold them until the state is loaded.
     */
    private void holdForStart() {
        StartMode mode = start;
        synchronized (monitorLock) {
            if (mode.paused()) {
                monitorHold = new Hold("-S");
                vcpus.hold(0);
            }
            if (mode.waitsForState()) {
                incomingHold = new Hold(mode.incoming() != null ? "-incoming" : "-loadvm");
                vcpus.hold(0);
                shown = mode.incoming() != null ? RunState.INMIGRATE : RunState.RESTORE_VM;
            } else if (mode.paused()) {
                shown = RunState.PRELAUNCH;
            }
        }
    }

    /** The incoming state is loaded: the guest runs, unless {@code -S} or a {@code stop} still holds it. */
    void incomingLoaded() {
        Hold h;
        synchronized (monitorLock) {
            h = incomingHold;
            incomingHold = null;
            shown = null;
        }
        if (h != null && h.release()) {
            events.emit(QmpEvents.RESUME, null);
        }
    }

    /** The incoming state could not be loaded: the machine ends with {@code reason}, its guest never run. */
    void incomingFailed(String reason) {
        errors.accept(reason);
        ends.post(RunEnd.exit(1));
    }

    /** Shows {@code s} to the monitor instead of the run state; null shows the run state again. */
    void show(RunState s) {
        shown = s;
    }

    GuestRam ram() {
        return ram;
    }

    /** The current run's RAM as a migration or snapshot uses it; null before the first run. */
    RamLease ramLease() {
        return ram.lease();
    }

    int vcpuCount() {
        return spec.vcpus();
    }

    private RunEnd awaitEnd() {
        try {
            return ends.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RunEnd.exit(1);
        }
    }

    /** Guest RAM of the current run; null before the first. */
    public GuestMemory memory() {
        return ram.memory();
    }

    /**
     * The host memory behind guest RAM in the current run, for copying it and for {@link DirtyPageLog#fetch}: low
     * RAM from offset 0, the RAM above 4 GiB right after it. Null before the first run; a reset replaces it.
     */
    public RamRegion ramRegion() {
        return ram.region();
    }

    /**
     * Every vCPU's state (records of the accelerator's type, {@code kvm-vcpu} with KVM), in vCPU order. The machine
     * must be paused ({@link #pause()} or a {@link #hold}); each vCPU saves itself on its own thread, and the caller
     * waits. Take {@link #saveVmState()} in the same pause, so that the parts agree.
     *
     * @throws MachineException if the machine is not paused or a vCPU's state cannot be read (one line naming the
     *     vCPU and the part)
     */
    public List<StateRecord> saveVcpuStates() throws MachineException {
        return vcpus.saveStates();
    }

    /**
     * Loads vCPU states made by {@link #saveVcpuStates()} (one per vCPU, same order), each on its own vCPU's thread,
     * with the machine paused; the vCPUs go on from them when the last hold is released. Restore
     * {@link #restoreVmState} first.
     *
     * @throws MachineException if the machine is not paused, the vCPU count differs, or a record is refused (the
     *     message names the vCPU and the record's type or version)
     */
    public void restoreVcpuStates(List<StateRecord> states) throws MachineException {
        vcpus.restoreStates(states);
    }

    /**
     * The accelerator's VM-wide state (with KVM the {@code kvm-vm} record: PIC pair, IOAPIC, PIT, guest clock), with
     * the machine paused. Any thread may call it.
     */
    public StateRecord saveVmState() throws MachineException {
        requirePaused();
        return withVm(VirtualMachine::saveState);
    }

    /** Loads a record made by {@link #saveVmState()}, with the machine paused, before the vCPUs' records. */
    public void restoreVmState(StateRecord state) throws MachineException {
        requirePaused();
        withVm(v -> {
            v.restoreState(state);
            return null;
        });
    }

    /**
     * What the guest's CPUs look like (an {@link io.modvm.api.accel.CpuModel} record), for a migration's
     * compatibility check; compare with {@link io.modvm.api.accel.CpuModel#differences}. Any time during a run.
     */
    public StateRecord cpuModel() throws MachineException {
        return withVm(VirtualMachine::cpuModel);
    }

    /**
     * Starts logging guest writes to RAM (see {@link DirtyPageLog}: writes that devices make through guest memory
     * views are not in it, and the caller accounts for them). Closing the log stops it; a reset ends the VM and the
     * log with it.
     */
    public DirtyPageLog startDirtyLog() throws MachineException {
        return withVm(VirtualMachine::startDirtyLog);
    }

    private void requirePaused() throws MachineException {
        if (!vcpus.paused()) {
            throw new MachineException("the machine must be paused to save or restore its state");
        }
    }

    private <T> T withVm(io.modvm.core.pci.PciHost.VmAction<T> action) throws MachineException {
        boolean[] ran = {false};
        try {
            T result = vm.with(v -> {
                ran[0] = true;
                return action.apply(v);
            });
            if (!ran[0]) {
                throw new MachineException("the machine has no VM now (it is starting or resetting)");
            }
            return result;
        } catch (AcceleratorException e) {
            throw new MachineException(e.getMessage(), e);
        }
    }

    /**
     * Snapshot and migration, with the vCPUs paused and after {@code devices().saveAll()} (so that no device thread
     * changes an MSI-X pending bit meanwhile): the platform the core serves, a {@code pc-platform} v1 record of the
     * PCI bus ({@code pci-bus} v1: configuration address, each function's {@code pci-function} v1 with its
     * {@code pci-bar} and {@code msix} v1 records, and {@code pci-hotplug} v1) and the GPE0 block ({@code acpi-gpe}
     * v1).
     */
    public StateRecord savePlatformState() {
        return platform.saveState();
    }

    /**
     * Puts back what {@link #savePlatformState} saved, with the vCPUs paused and before
     * {@code devices().restoreAll(...)}: the PCI functions' registers, the BARs mapped where the guest put them
     * (with their ioeventfds), MSI-X tables and routes, INTx levels, the hotplug and GPE registers. This machine
     * must hold the same devices in the same PCI slots (plugged from the same configuration).
     *
     * @throws StateException naming the slot and device that differ, or a record that is not readable here
     */
    public void restorePlatformState(StateRecord state) throws StateException {
        platform.restoreState(state);
    }

    /**
     * Holds the PCI functions' MSI-X messages while a restore puts the machine back (see {@link
     * io.modvm.core.pci.PciRootBus#holdInterrupts}), until {@link #releaseDeviceInterrupts()}, which goes after the
     * vCPUs are restored.
     */
    public void holdDeviceInterrupts() {
        platform.pci().holdInterrupts();
    }

    /** Delivers the MSI-X messages held since {@link #holdDeviceInterrupts()}. */
    public void releaseDeviceInterrupts() {
        platform.pci().releaseInterrupts();
    }

    /** The PCI functions, for {@code query-pci}. */
    public List<PciFunctionInfo> pciFunctions() {
        return platform.pci().describe();
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public RunState state() {
        RunState over = shown;
        if (over != null && state == RunState.RUNNING) {
            return over;
        }
        RunState s = state;
        return s == RunState.RUNNING && vcpus.paused() ? RunState.PAUSED : s;
    }

    /** The monitor's {@code stop}: STOP is announced if the vCPUs ran until now. */
    @Override
    public void pause() {
        pauseAs("monitor stop");
    }

    /**
     * Pauses as the monitor's {@code stop} does (so that {@code cont} resumes), for a migration or snapshot; returns
     * true if this call took the pause, false if the guest was stopped already (the caller then leaves it so).
     */
    boolean pauseForState(String reason) {
        return pauseAs(reason);
    }

    private boolean pauseAs(String reason) {
        boolean stopped;
        synchronized (monitorLock) {
            if (monitorHold != null || state != RunState.RUNNING || vcpus.stopRequested()) {
                return false;
            }
            monitorHold = new Hold(reason);
            stopped = vcpus.hold(Long.MAX_VALUE);
        }
        if (stopped) {
            events.emit(QmpEvents.STOP, null);
        }
        return true;
    }

    /**
     * Runs before {@code cont} lets a migrated source run again (its devices were left quiesced so that they touch
     * nothing the destination owns); null when there is nothing to do.
     */
    void beforeResumeFromMigration(Runnable hook) {
        afterMigration = hook;
    }

    /** The guest's RAM now belongs to another process: it must never run here again. */
    void handedOver() {
        handedOver = true;
    }

    /** The monitor's {@code cont}: RESUME is announced if nothing else keeps the vCPUs paused. */
    @Override
    public void resume() {
        Hold h;
        synchronized (monitorLock) {
            RunState over = shown;
            if (incomingHold != null || over == RunState.FINISH_MIGRATE || over == RunState.SAVE_VM
                    || over == RunState.RESTORE_VM) {
                LOG.warn("cont refused: the machine is {}", over == null ? "waiting for its state" : over.qmpName());
                return;
            }
            if (handedOver) {
                LOG.warn("cont refused: guest RAM was handed over to another process, which runs the guest now");
                return;
            }
            h = monitorHold;
            monitorHold = null;
            if (h != null) {
                shown = null;
                Runnable hook = afterMigration;
                afterMigration = null;
                if (hook != null && over == RunState.POSTMIGRATE) {
                    hook.run();
                }
            }
        }
        if (h != null && h.release()) {
            events.emit(QmpEvents.RESUME, null);
        }
    }

    @Override
    public PauseHold hold(String reason, long maxWaitMillis) {
        Hold h = new Hold(reason);
        vcpus.hold(maxWaitMillis);
        LOG.debug("vCPUs held: {}", reason);
        return h;
    }

    /** One reason to keep the vCPUs paused; released once. */
    private final class Hold implements PauseHold {
        private final String reason;
        private boolean released;

        Hold(String reason) {
            this.reason = reason;
        }

        /** Returns true if this was the last hold, so that the vCPUs run again. */
        synchronized boolean release() {
            if (released) {
                return false;
            }
            released = true;
            LOG.debug("vCPU hold released: {}", reason);
            return vcpus.release();
        }

        @Override
        public void close() {
            release();
        }
    }

    @Override
    public boolean powerDown() {
        PowerButton button = devices.powerButton();
        if (button == null) {
            return false;
        }
        button.press();
        events.emit(QmpEvents.POWERDOWN, null);
        return true;
    }

    @Override
    public void reset() {
        ends.post(RunEnd.hostReset());
    }

    @Override
    public void quit(int status) {
        ends.post(RunEnd.exit(status));
    }
}
