package io.modvm.monitor;

import io.modvm.api.machine.Machine;
import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorEvents;
import io.modvm.monitor.command.AbsentCommands;
import io.modvm.monitor.command.CommandTable;
import io.modvm.monitor.command.HumanMonitorCommand;
import io.modvm.monitor.command.QmpCapabilitiesCommand;
import io.modvm.monitor.command.QueryCommandsCommand;
import io.modvm.monitor.command.QueryVersionCommand;
import io.modvm.monitor.gogo.GogoShell;
import io.modvm.monitor.hmp.HmpConsole;
import io.modvm.monitor.hmp.HmpInterpreter;
import io.modvm.monitor.hmp.HmpSession;
import io.modvm.monitor.qmp.EventHub;
import io.modvm.monitor.qmp.QmpClient;
import io.modvm.monitor.server.EndpointOpener;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
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
 * The monitor: it tracks every {@link MonitorCommand} service, provides {@link MonitorEvents}, and while a
 * {@link Machine} service exists, serves the QMP and HMP endpoints that machine's command line named in its
 * service properties {@value #PROP_QMP} and {@value #PROP_MONITOR} (QEMU's {@code -qmp} and {@code -monitor}
 * values). When the machine goes, its endpoints close and their socket files are deleted.
 */
@Component(service = {MonitorEvents.class, HmpConsole.class}, immediate = true)
public final class MonitorComponent implements MonitorEvents, HmpConsole {
    private static final Logger LOG = LoggerFactory.getLogger(MonitorComponent.class);
    /** Machine service property: the {@code -qmp} specs, String[]. */
    static final String PROP_QMP = "modvm.qmp";
    /** Machine service property: the {@code -monitor} specs (HMP), String[]. */
    static final String PROP_MONITOR = "modvm.monitor";
    /** Machine service property: the {@code -gogo} specs (a Gogo shell), String[]. */
    static final String PROP_GOGO = "modvm.gogo";

    private final CommandTable commands = new CommandTable();
    private final EventHub events = new EventHub(Clock.systemUTC());
    private final HmpInterpreter hmp = new HmpInterpreter(commands);
    private final QueryVersionCommand version;
    private final InputStream stdin;
    private final OutputStream stdout;
    private final Map<Machine, List<Closeable>> endpoints = new IdentityHashMap<>();
    private boolean active = true;
    /** Gogo's shell, while the Gogo runtime is there. */
    private volatile GogoShell gogo;

    /** The monitor's console output is the process's own standard streams, as QEMU's {@code stdio}. */
    @Activate
    public MonitorComponent(BundleContext context) {
        this(context.getBundle().getVersion().toString(), System.in, System.out);
        commands.absent(AbsentCommands.load(context.getProperty("modvm.assembly.dir"),
                context.getProperty("modvm.assembly"), bsn -> Arrays.stream(context.getBundles())
                        .anyMatch(b -> bsn.equals(b.getSymbolicName()))));
    }

    MonitorComponent(String modvmVersion, InputStream stdin, OutputStream stdout) {
        this.version = new QueryVersionCommand(modvmVersion);
        this.stdin = stdin;
        this.stdout = stdout;
        commands.add(new QmpCapabilitiesCommand());
        commands.add(version);
        commands.add(new QueryCommandsCommand(commands));
        commands.add(new HumanMonitorCommand(hmp));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeCommand")
    void addCommand(MonitorCommand command) {
        commands.add(command);
    }

    void removeCommand(MonitorCommand command) {
        commands.remove(command);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeGogo")
    void addGogo(GogoShell shell) {
        gogo = shell;
    }

    void removeGogo(GogoShell shell) {
        if (gogo == shell) {
            gogo = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeMachine")
    synchronized void addMachine(Machine machine, Map<String, Object> properties) {
        if (!active) {
            return;
        }
        EndpointOpener opener = new EndpointOpener(stdin, stdout);
        QmpClient qmp = new QmpClient(commands, version.version(), events);
        HmpSession hmpSession = new HmpSession(hmp);
        opener.open("qmp", specs(properties.get(PROP_QMP)), qmp::serve);
        opener.open("monitor", specs(properties.get(PROP_MONITOR)), hmpSession::serve);
        List<String> gogoSpecs = specs(properties.get(PROP_GOGO));
        if (!gogoSpecs.isEmpty() && gogo == null) {
            LOG.error("-gogo {}: no Gogo shell: the bundle org.apache.felix.gogo.runtime is not active in this "
                    + "modvm; add it, or leave -gogo out", String.join(" ", gogoSpecs));
        }
        opener.open("gogo", gogoSpecs, this::serveGogo);
        endpoints.put(machine, opener.opened());
    }

    synchronized void removeMachine(Machine machine) {
        close(endpoints.remove(machine));
    }

    /** A {@code -gogo} client: Gogo's session, or one line saying why there is none. */
    private void serveGogo(InputStream in, OutputStream out) throws IOException {
        GogoShell shell = gogo;
        if (shell == null) {
            out.write(("no Gogo shell: the bundle org.apache.felix.gogo.runtime is not active in this modvm\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            return;
        }
        shell.serve(in, out);
    }

    @Deactivate
    synchronized void deactivate() {
        active = false;
        endpoints.values().forEach(MonitorComponent::close);
        endpoints.clear();
    }

    @Override
    public void emit(String event, Map<String, Object> data) {
        events.emit(event, data);
    }

    @Override
    public String execute(String commandLine) {
        return hmp.execute(commandLine);
    }

    private static List<String> specs(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof String[] array) {
            return Arrays.asList(array);
        }
        if (value instanceof Collection<?> collection) {
            return collection.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(value));
    }

    private static void close(List<Closeable> list) {
        if (list == null) {
            return;
        }
        for (Closeable c : list) {
            try {
                c.close();
            } catch (IOException e) {
                LOG.warn("monitor endpoint not closed cleanly: {}", e.getMessage());
            }
        }
    }
}
