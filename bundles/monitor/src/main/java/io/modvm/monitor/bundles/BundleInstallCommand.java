package io.modvm.monitor.bundles;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.monitor.command.Arguments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * {@code __io.modvm_bundle-install} (HMP {@code bundle_install [-s] FILE}): installs a bundle from a jar file, as
 * Gogo's {@code install} does, and starts it when asked ({@code start: true}, HMP {@code -s}). The bundle's
 * location is the jar's {@code file:} URI, so that {@code bundle_update NAME} reads the jar again and the other
 * bundle commands find it by its file name.
 */
@Component(service = MonitorCommand.class, property = MonitorCommand.PROP_NAME + "=" + BundleInstallCommand.NAME)
public final class BundleInstallCommand implements MonitorCommand {
    static final String NAME = "__io.modvm_bundle-install";
    private final BundleContext context;

    @Activate
    public BundleInstallCommand(BundleContext context) {
        this.context = context;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "install a bundle from a jar file (-s: and start it)";
    }

    @Override
    public String hmpName() {
        return "bundle_install";
    }

    @Override
    public String hmpArguments() {
        return "[-s] file";
    }

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        Path jar = Path.of(Arguments.requireString(arguments, "file")).toAbsolutePath().normalize();
        Object start = arguments.getOrDefault("start", Boolean.FALSE);
        if (!(start instanceof Boolean)) {
            throw new MonitorException(MonitorException.GENERIC_ERROR,
                    "Invalid parameter type for 'start', expected: boolean");
        }
        Arguments.allowOnly(arguments, "file", "start");
        if (!Files.isReadable(jar)) {
            throw new MonitorException(MonitorException.GENERIC_ERROR, "Cannot read '" + jar + "'");
        }
        Bundle bundle;
        try {
            bundle = context.installBundle(jar.toUri().toString());
        } catch (BundleException | IllegalStateException | SecurityException e) {
            throw BundleCommand.failed("install", jar.toString(), e);
        }
        if ((Boolean) start) {
            try {
                bundle.start();
            } catch (BundleException | IllegalStateException | SecurityException e) {
                throw BundleCommand.failed("start", BundleNames.label(bundle) + " (installed as bundle "
                        + bundle.getBundleId() + ")", e);
            }
        }
        return BundleCommand.result(bundle);
    }

    @Override
    public Map<String, Object> parseHmp(String text) throws MonitorException {
        String[] words = text.strip().split("\\s+");
        boolean start = words.length == 2 && words[0].equals("-s");
        if (text.isBlank() || words.length > 2 || words.length == 2 && !start) {
            throw new MonitorException(MonitorException.GENERIC_ERROR, "usage: bundle_install [-s] file");
        }
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("file", words[words.length - 1]);
        if (start) {
            args.put("start", Boolean.TRUE);
        }
        return args;
    }

    @Override
    public String formatHmp(Object result) {
        Map<?, ?> r = (Map<?, ?>) result;
        return r.get(BundleCommand.BUNDLE) + " " + r.get("version") + " installed as bundle " + r.get("id") + ": "
                + r.get("state") + "\r\n";
    }
}
