package io.modvm.core.cli;

import io.modvm.api.accel.Accelerator;
import io.modvm.api.backend.BackendFactory;
import io.modvm.api.backend.BackendKinds;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.machine.Machine;
import io.modvm.api.migration.MigratableMachine;
import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorEvents;
import io.modvm.api.net.NetworkAnnouncer;
import io.modvm.api.net.Nic;
import io.modvm.core.backends.BackendManager;
import io.modvm.core.backends.BackendSpec;
import io.modvm.core.boot.BootPlan;
import io.modvm.core.commands.AnnounceSelfCommand;
import io.modvm.core.commands.BackendRemoveCommand;
import io.modvm.core.commands.BlockdevAddCommand;
import io.modvm.core.commands.DriveAddCommand;
import io.modvm.core.commands.ChardevAddCommand;
import io.modvm.core.commands.DeviceAddCommand;
import io.modvm.core.commands.DeviceDelCommand;
import io.modvm.core.commands.DeviceListPropertiesCommand;
import io.modvm.core.commands.QueryChardevCommand;
import io.modvm.core.commands.InfoNetworkCommand;
import io.modvm.core.commands.NetdevAddCommand;
import io.modvm.core.commands.Nics;
import io.modvm.core.commands.QueryPciCommand;
import io.modvm.core.commands.QueryQtreeCommand;
import io.modvm.core.commands.QueryRxFilterCommand;
import io.modvm.core.commands.SelfAnnouncements;
import io.modvm.core.commands.SetLinkCommand;
import io.modvm.core.config.ConfigAdminStore;
import io.modvm.core.config.ManagedConfigurations;
import io.modvm.core.devices.DeviceManager;
import io.modvm.core.firmware.BootOrder;
import io.modvm.core.machine.MachineException;
import io.modvm.core.machine.MachineSpec;
import io.modvm.core.machine.MigratableVm;
import io.modvm.core.machine.VmMachine;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ManagedServiceFactory;

/**
 * One run of the command line: the machine, the managers that turn backend and device configurations into open
 * backends and plugged devices, and the services it registers while it runs. The managers belong to the run: the
 * command line's backends open and its devices plug before the vCPUs start, so that a bad {@code -chardev} or
 * {@code -device} stays a one-line fatal error and slots follow the command line's order; then their
 * configurations are recorded and everything that arrives later is taken over.
 */
final class MachineRun {
    private final BundleContext context;
    private final Invocation.Run run;
    private final VmMachine machine;
    private final BackendManager backends;
    private final DeviceManager devices;
    /** How long the command line's backend types may take to appear while their bundles start. */
    private static final long FACTORY_WAIT_NANOS = 5_000_000_000L;

    private final List<ServiceRegistration<?>> registrations = new CopyOnWriteArrayList<>();
    /** Set once the vCPUs run; read when the machine ends. */
    private volatile SelfAnnouncements announcements;
    private final FactoryCatalog catalog;

    /** How the guest starts, when not from the spec's kernel (see {@link VmMachine#bootPlan}). */
    void bootPlan(BootPlan plan) {
        machine.bootPlan(plan);
    }

    /** The firmware's boot order from the plugged devices' {@code bootindex}; once the devices are plugged. */
    List<String> firmwareBootOrder() {
        return BootOrder.of(devices.bootIndexes(), machine.pciFunctions());
    }

    /**
     * @param diskBoot how a guest without {@code -kernel} boots from its disks, or null to boot the spec's kernel
     */
    MachineRun(BundleContext context, Invocation.Run run, MachineSpec spec, Accelerator accelerator,
            FactoryCatalog catalog, Supplier<ConfigurationAdmin> admin, MonitorEvents events, PrintStream err,
            long swapTimeoutMillis, DiskBootPlan diskBoot) {
        this.context = context;
        this.run = run;
        this.catalog = catalog;
        this.backends = new BackendManager(catalog, new ConfigAdminStore(admin, BackendManager.FACTORY_PID),
                () -> quit(0));
        this.machine = new VmMachine(spec, accelerator, line -> err.println("modvm: " + line), events, backends,
                swapTimeoutMillis);
        this.devices = new DeviceManager(catalog, new ConfigAdminStore(admin, DeviceManager.FACTORY_PID), events);
        machine.startMode(run.start());
        if (diskBoot != null) {
            machine.bootPlan(diskBoot.plan(() -> backends.opened(BackendKinds.BLOCK), this::firmwareBootOrder));
        }
        machine.devices().onGuestEject(devices::ejectedByGuest);
        backends.onOpened(devices::retryWaiting);
        machine.onStart(this::start);
        machine.onceRunning(this::announce);
    }

    /** On the machine's thread, before the vCPUs first run. */
    private void start() throws MachineException {
        awaitBackendTypes();
        try {
            backends.openAtStart(run.backends());
            devices.attach(machine.devices(), run.devices());
        } catch (DeviceException e) {
            throw new MachineException(e.getMessage(), e);
        }
        backends.loadExisting();
        devices.loadExisting();
        register(ManagedServiceFactory.class, new ManagedConfigurations("modvm backends",
                backends::configurationUpdated, backends::configurationDeleted),
                Map.of(Constants.SERVICE_PID, BackendManager.FACTORY_PID));
        register(ManagedServiceFactory.class, new ManagedConfigurations("modvm devices",
                devices::configurationUpdated, devices::configurationDeleted),
                Map.of(Constants.SERVICE_PID, DeviceManager.FACTORY_PID));
        backends.recordConfigurations();
        devices.recordConfigurations();
    }

    /**
     * Gives the bundles that are still starting a moment to register the backend types the command line names (the
     * launcher starts the machine as soon as the core is active); a type still missing then is the command line's
     * one-line error.
     */
    private void awaitBackendTypes() {
        long deadline = System.nanoTime() + FACTORY_WAIT_NANOS;
        for (BackendSpec s : run.backends()) {
            while (s.type() != null && catalog.find(s.kind(), s.type()) == null && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Once the vCPUs run: the machine and the core's monitor commands become services. */
    private void announce() {
        command("query-pci", new QueryPciCommand(machine::pciFunctions));
        command(QueryQtreeCommand.NAME, new QueryQtreeCommand(machine.devices()::describe));
        command("device_add", new DeviceAddCommand(devices, catalog));
        command(DeviceListPropertiesCommand.NAME, new DeviceListPropertiesCommand(catalog));
        command("device_del", new DeviceDelCommand(devices));
        command("chardev-add", new ChardevAddCommand(backends));
        command("chardev-remove", new BackendRemoveCommand(backends, "chardev-remove", "chardev-remove",
                BackendKinds.CHARDEV, "id", false));
        command("query-chardev", new QueryChardevCommand(backends));
        command("blockdev-add", new BlockdevAddCommand(backends));
        command("blockdev-del", new BackendRemoveCommand(backends, "blockdev-del", null, BackendKinds.BLOCK,
                "node-name", false));
        command(DriveAddCommand.NAME, new DriveAddCommand(backends));
        command("__io.modvm_drive_del", new BackendRemoveCommand(backends, "__io.modvm_drive_del", "drive_del",
                BackendKinds.BLOCK, "id", true));
        command("netdev_add", new NetdevAddCommand(backends));
        command("netdev_del", new BackendRemoveCommand(backends, "netdev_del", "netdev_del", BackendKinds.NETDEV,
                "id", false));
        Nics nics = new Nics(this::registeredNics);
        command("set_link", new SetLinkCommand(nics));
        command("query-rx-filter", new QueryRxFilterCommand(nics));
        command(InfoNetworkCommand.NAME, new InfoNetworkCommand(nics, backends));
        announcements = new SelfAnnouncements(nics);
        register(NetworkAnnouncer.class, announcements, Map.of());
        command("announce-self", new AnnounceSelfCommand(announcements));
        Map<String, Object> start = new HashMap<>();
        if (run.start().incoming() != null) {
            start.put(MigratableMachine.PROP_INCOMING, run.start().incoming());
        }
        if (run.start().loadvm() != null) {
            start.put(MigratableMachine.PROP_LOADVM, run.start().loadvm());
        }
        register(MigratableMachine.class, new MigratableVm(machine, backends::opened), start);
        register(Machine.class, machine, Map.of("modvm.machine.name", machine.name(),
                "modvm.qmp", run.qmp().toArray(new String[0]),
                "modvm.monitor", run.monitors().toArray(new String[0]),
                "modvm.gogo", run.gogo().toArray(new String[0])));
    }

    /** The NICs their bundles registered: every model, found the same way. */
    private List<Nic> registeredNics() {
        List<Nic> found = new ArrayList<>();
        try {
            for (ServiceReference<Nic> ref : context.getServiceReferences(Nic.class, null)) {
                Nic nic = context.getService(ref);
                if (nic != null) {
                    found.add(nic);
                    context.ungetService(ref);
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("no filter was given", e);
        } catch (IllegalStateException stopping) {
            // the bundle is stopping: no NICs to report
        }
        return found;
    }

    private void command(String name, MonitorCommand command) {
        register(MonitorCommand.class, command, Map.of(MonitorCommand.PROP_NAME, name));
    }

    private <S> void register(Class<S> type, S service, Map<String, Object> properties) {
        registrations.add(context.registerService(type, service, new Hashtable<>(properties)));
    }

    /** Runs the machine until it ends; returns the process exit status. */
    int run() throws MachineException {
        try {
            return machine.run();
        } finally {
            if (announcements != null) {
                announcements.close();
            }
            devices.detach();
            try {
                for (ServiceRegistration<?> r : registrations) {
                    r.unregister();
                }
            } catch (IllegalStateException e) {
                // the bundle is stopping and took the registration with it
            }
        }
    }

    void quit(int status) {
        machine.quit(status);
    }

    void factoryAdded(DeviceFactory factory) {
        devices.factoryAdded(factory);
    }

    void factoryRemoved(DeviceFactory factory) {
        devices.factoryRemoved(factory);
    }

    void factoryAdded(BackendFactory factory) {
        backends.factoryAdded(factory);
    }

    void factoryRemoved(BackendFactory factory) {
        backends.factoryRemoved(factory);
    }
}
