package io.modvm.core.cli;

import io.modvm.api.accel.Accelerator;
import io.modvm.api.backend.BackendFactory;
import io.modvm.api.backend.BackendKinds;
import io.modvm.api.boot.BootSource;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.monitor.MonitorEvents;
import io.modvm.core.assembly.AssemblyCatalog;
import io.modvm.core.boot.BootException;
import io.modvm.core.boot.BootPlan;
import io.modvm.core.boot.KernelImages;
import io.modvm.core.devices.PropertyListing;
import io.modvm.core.firmware.BiosImage;
import io.modvm.core.machine.MachineException;
import io.modvm.core.machine.MachineSpec;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the command line the launcher hands over in the framework property {@code modvm.args} (arguments
 * separated by NUL), and reports the process exit status to the launcher's {@code IntConsumer} service. The
 * PC chipset's device types are configuration of this component, not code: the core names no device type.
 *
 * <p>The device and backend factories of the registry are this component's catalog; a {@link MachineRun} turns
 * configurations and these factories into open backends and plugged devices while a machine runs.
 */
@Component(service = CommandLineComponent.class, immediate = true, configurationPid = "io.modvm.cli",
        property = {"modvm.role=cli", ShorthandTypes.CHIPSET + "=i8042,mc146818rtc,acpi-pm",
            ShorthandTypes.SERIAL + "=isa-serial", ShorthandTypes.VIRTIO_DRIVE + "=virtio-blk-pci",
            ShorthandTypes.VIRTIO_BALLOON + "=virtio-balloon-pci", ShorthandTypes.NIC + "=e1000",
            ShorthandTypes.IDE_DISK + "=ide-hd", ShorthandTypes.IDE_CDROM + "=ide-cd"})
public final class CommandLineComponent {
    private static final Logger LOG = LoggerFactory.getLogger(CommandLineComponent.class);
    static final String ARGS_PROPERTY = "modvm.args";
    private static final long SHUTDOWN_WAIT_MILLIS = 5000;
    static final String SWAP_TIMEOUT_PROPERTY = "modvm.device.swap.timeout";
    private static final long DEFAULT_SWAP_TIMEOUT_MILLIS = 10_000;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Accelerator accelerator;

    private final FactoryCatalog catalog = new FactoryCatalog();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConfigurationAdmin configurationAdmin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile MonitorEvents monitorEvents;

    @Reference(target = "(modvm.role=exit)")
    private IntConsumer exit;

    private volatile MachineRun current;
    private Thread main;

    /** The boot sources the registry holds: readers of a disk's own boot configuration. */
    private final List<BootSource> bootSources = new CopyOnWriteArrayList<>();

    @Reference(name = "bootSources", service = BootSource.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "removeBootSource")
    void addBootSource(BootSource source) {
        bootSources.add(source);
    }

    void removeBootSource(BootSource source) {
        bootSources.remove(source);
    }

    @Reference(name = "factories", service = DeviceFactory.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "removeFactory")
    void addFactory(DeviceFactory factory) {
        if (!catalog.add(factory)) {
            return; // another bundle provides this type: refused (the catalog said so)
        }
        MachineRun r = current;
        if (r != null) {
            r.factoryAdded(factory);
        }
    }

    /**
     * A factory leaves the catalog before the manager unplugs its devices, so that none is built again from it; a
     * factory refused for its type meanwhile takes the devices over.
     */
    void removeFactory(DeviceFactory factory) {
        DeviceFactory successor = catalog.remove(factory);
        MachineRun r = current;
        if (r != null) {
            r.factoryRemoved(factory);
            if (successor != null) {
                r.factoryAdded(successor);
            }
        }
    }

    @Reference(name = "backendFactories", service = BackendFactory.class,
            cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeBackendFactory")
    void addBackendFactory(BackendFactory factory) {
        catalog.add(factory);
        MachineRun r = current;
        if (r != null) {
            r.factoryAdded(factory);
        }
    }

    /** A backend factory leaves the catalog before its backends close, so that none is opened again from it. */
    void removeBackendFactory(BackendFactory factory) {
        catalog.remove(factory);
        MachineRun r = current;
        if (r != null) {
            r.factoryRemoved(factory);
        }
    }

    @Activate
    void activate(BundleContext context, Map<String, Object> config) {
        String args = context.getProperty(ARGS_PROPERTY);
        if (args == null) {
            LOG.debug("no {} framework property: not launched from the command line", ARGS_PROPERTY);
            return;
        }
        List<String> list = args.isEmpty() ? List.of() : Arrays.asList(args.split("\u0000", -1));
        catalog.assembly(AssemblyCatalog.load(context.getProperty(AssemblyCatalog.DIR_PROPERTY),
                context.getProperty(AssemblyCatalog.NAME_PROPERTY), bsn -> isInstalled(context, bsn)));
        CommandLineParser parser = new CommandLineParser(HostMemory.total(),
                ShorthandTypes.from(config, context.getProperty(ShorthandTypes.ASSEMBLY_CHIPSET)));
        main = new Thread(() -> exit.accept(execute(context, parser, list, System.out, System.err)), "modvm-main");
        main.start();
    }

    /**
     * The framework is stopping (SIGTERM, or the bundle was stopped): end the machine and wait for its thread, so
     * that devices and the console close while this bundle's classes can still be loaded.
     */
    @Deactivate
    void deactivate() {
        MachineRun r = current;
        if (r != null) {
            r.quit(1);
        }
        Thread t = main;
        if (t != null) {
            try {
                t.join(SHUTDOWN_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    int execute(BundleContext context, CommandLineParser parser, List<String> args, PrintStream out,
            PrintStream err) {
        Invocation invocation;
        try {
            invocation = parser.parse(args);
        } catch (UsageException e) {
            err.println("modvm: " + e.getMessage());
            return 1;
        }
        if (invocation instanceof Invocation.Help) {
            out.print(CommandLineParser.usage());
            return 0;
        }
        if (invocation instanceof Invocation.Version) {
            out.println("modvm version " + context.getBundle().getVersion() + " (KVM, QEMU-compatible options)");
            out.println(runtimeLine(System.getProperty("java.runtime.version"), System.getProperty("java.vendor"),
                    System.getProperty("modvm.archive")));
            return 0;
        }
        if (invocation instanceof Invocation.DeviceHelp help) {
            return deviceHelp(help.type(), out, err);
        }
        if (invocation instanceof Invocation.NicHelp) {
            out.println("Supported NIC models:");
            catalog.deviceFactories().stream().filter(FactoryCatalog::isNic).forEach(f -> out.println(f.type()));
            return 0;
        }
        if (invocation instanceof Invocation.NetdevHelp) {
            out.println("Available netdev backend types:");
            catalog.types(BackendKinds.NETDEV).forEach(out::println);
            return 0;
        }
        Invocation.Run run = (Invocation.Run) invocation;
        String missingOption = missingOption(run);
        if (missingOption != null) {
            err.println("modvm: " + missingOption);
            return 1;
        }
        Accelerator accel = accelerator;
        if (accel == null) {
            err.println("modvm: no accelerator is registered: the KVM accelerator bundle is missing or did not "
                    + "start (run with MODVM_LOG=debug to see why)");
            return 1;
        }
        MachineSpec spec = run.spec();
        List<String> disks = run.bootOrder().disks().stream().map(d -> d.drive()).toList();
        BiosImage firmware = null;
        if (spec.kernel() == null && run.bios() != null) {
            try {
                firmware = FirmwarePlans.bios(run);
            } catch (BootException e) {
                err.println("modvm: " + e.getMessage());
                return 1;
            }
        }
        DiskBootPlan diskBoot = null;
        if (spec.kernel() == null && firmware == null && !disks.isEmpty()) {
            BootPlan defaultGuest = defaultGuestPlan(run, accel, context.getProperty("modvm.home"));
            diskBoot = (opened, firmwareBootOrder) -> new BootChooser(() -> List.copyOf(bootSources),
                    isInstalled(context, DISKBOOT_BUNDLE), disks, opened, run.bootEntry(), run.bootMenu(),
                    accel.emulatesGuestKernel() ? DefaultGuest.fromEnvironment().hostOptions() : "",
                    () -> FirmwarePlans.of(FirmwarePlans.bios(run), firmwareBootOrder).loader(), defaultGuest,
                    line -> err.println("modvm: " + line));
        } else if (spec.kernel() == null && firmware == null) {
            try {
                spec = withDefaultGuest(spec, run.userAppend(), accel, context.getProperty("modvm.home"));
            } catch (UsageException e) {
                err.println("modvm: " + e.getMessage());
                return 1;
            }
        }
        MonitorEvents events = (event, data) -> {
            MonitorEvents sink = monitorEvents;
            if (sink != null) {
                sink.emit(event, data);
            }
        };
        MachineRun r = new MachineRun(context, run, spec, accel, catalog, () -> configurationAdmin, events, err,
                swapTimeoutMillis(context), diskBoot);
        current = r;
        if (firmware != null) {
            r.bootPlan(FirmwarePlans.of(firmware, r::firmwareBootOrder));
        }
        try {
            return r.run();
        } catch (MachineException e) {
            err.println("modvm: " + e.getMessage());
            return 1;
        } finally {
            current = null;
        }
    }

    /**
     * The JDK that runs modvm and the class archive it started with (bin/modvm passes {@code modvm.archive}: the
     * file, or {@code none}); an archive speeds start-up only on the JDK the build made it with.
     */
    static String runtimeLine(String javaVersion, String vendor, String archive) {
        String kind = archive == null || archive.isEmpty() || archive.equals("none") ? "no class archive"
                : archive.endsWith(".aot") ? "AOT cache " + archive
                : archive.endsWith(".jsa") ? "CDS archive " + archive : "class archive " + archive;
        return "running on Java " + javaVersion + " (" + vendor + "), " + kind;
    }

    /**
     * How long a device whose factory left stays parked for a new one (a bundle update) before it is unplugged from
     * the guest: framework property {@value #SWAP_TIMEOUT_PROPERTY} in milliseconds, 10 s by default.
     */
    private static long swapTimeoutMillis(BundleContext context) {
        String value = context.getProperty(SWAP_TIMEOUT_PROPERTY);
        try {
            return value == null ? DEFAULT_SWAP_TIMEOUT_MILLIS : Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            LOG.warn("{}={} is not a number of milliseconds; using {}", SWAP_TIMEOUT_PROPERTY, value,
                    DEFAULT_SWAP_TIMEOUT_MILLIS);
            return DEFAULT_SWAP_TIMEOUT_MILLIS;
        }
    }

    /** The bundle whose boot source reads the usual Linux disks; the plan waits for it while it starts. */
    private static final String DISKBOOT_BUNDLE = "io.modvm.diskboot";

    /** The default guest, for disks none of which is bootable; null if it is not built. */
    private static BootPlan defaultGuestPlan(Invocation.Run run, Accelerator accel, String home) {
        if (!DefaultGuest.fromEnvironment().isBuilt()) {
            return null;
        }
        return () -> {
            try {
                MachineSpec spec = withDefaultGuest(run.spec(), run.userAppend(), accel, home);
                return KernelImages.loaderFor(spec.kernel(), spec.cmdline(), spec.initrd());
            } catch (UsageException e) {
                throw new BootException(e.getMessage());
            }
        };
    }

    private static MachineSpec withDefaultGuest(MachineSpec spec, String userAppend, Accelerator accel,
            String home) throws UsageException {
        DefaultGuest guest = DefaultGuest.fromEnvironment();
        if (!guest.isBuilt()) {
            Path script = home == null ? null : Path.of(home).resolve("../../../tools/guest/build").normalize();
            throw new UsageException(guest.missingMessage(script != null && Files.isExecutable(script)
                    ? script.toString() : "tools/guest/build from the modvm source tree"));
        }
        return new MachineSpec(spec.name(), spec.memoryBytes(), spec.vcpus(), guest.kernel(),
                spec.initrd() != null ? spec.initrd() : guest.initrd(),
                guest.cmdline(userAppend, accel.emulatesGuestKernel()), spec.noReboot());
    }

    /**
     * The first option on the command line whose bundle this assembly lacks, as one line ({@code -qmp: provided by
     * bundle io.modvm.monitor, which this assembly (minimal) does not include}), or null: nothing asked for on the
     * command line is ignored silently.
     */
    private String missingOption(Invocation.Run run) {
        AssemblyCatalog assembly = catalog.assembly();
        List<String> given = new ArrayList<>();
        if (!run.qmp().isEmpty()) {
            given.add("-qmp");
        }
        if (!run.monitors().isEmpty()) {
            given.add("-monitor");
        }
        if (run.start().incoming() != null) {
            given.add("-incoming");
        }
        if (run.start().loadvm() != null) {
            given.add("-loadvm");
        }
        for (String option : given) {
            String absent = assembly.absent("option", option);
            if (absent != null) {
                return option + ": " + absent;
            }
        }
        return null;
    }

    private static boolean isInstalled(BundleContext context, String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return true;
            }
        }
        return false;
    }

    private int deviceHelp(String type, PrintStream out, PrintStream err) {
        if (type != null) {
            DeviceFactory f;
            try {
                f = catalog.require(type);
            } catch (DeviceException e) {
                err.println("modvm: -device " + type + ": " + e.getMessage());
                return 1;
            }
            out.print(PropertyListing.help(f));
            return 0;
        }
        out.println("Device types the registry holds now:");
        catalog.deviceFactories()
                .forEach(f -> out.println("name \"" + f.type() + "\", desc \"" + f.description() + "\""));
        return 0;
    }
}
