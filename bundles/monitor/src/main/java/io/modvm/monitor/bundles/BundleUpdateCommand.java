package io.modvm.monitor.bundles;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * {@code __io.modvm_bundle-update} (HMP {@code bundle_update NAME [FILE]}): updates a bundle from a jar file, or
 * from where it was installed from, as Gogo's {@code update} does. Updating a device bundle hot-swaps its devices
 * under the running guest. The name carries QMP's prefix for downstream commands, since QEMU has no such command.
 */
@Component(service = MonitorCommand.class, property = MonitorCommand.PROP_NAME + "=" + BundleUpdateCommand.NAME)
public final class BundleUpdateCommand implements MonitorCommand {
    static final String NAME = "__io.modvm_bundle-update";
    private BundleContext context;

    @Activate
    void activate(BundleContext bundleContext) {
        this.context = bundleContext;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "update a bundle (its devices are handed over to the new version)";
    }

    @Override
    public String hmpName() {
        return "bundle_update";
    }

    @Override
    public String hmpArguments() {
        return "name [file]";
    }

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        Object name = arguments.get("bundle");
        if (!(name instanceof String symbolicName) || symbolicName.isEmpty()) {
            throw new MonitorException(MonitorException.GENERIC_ERROR, "Parameter 'bundle' is missing");
        }
        Object file = arguments.get("file");
        if (file != null && !(file instanceof String)) {
            throw new MonitorException(MonitorException.GENERIC_ERROR,
                    "Invalid parameter type for 'file', expected: string");
        }
        Bundle bundle = Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName()))
                .findFirst().orElseThrow(() -> new MonitorException(MonitorException.GENERIC_ERROR,
                        "No bundle '" + symbolicName + "' is installed"));
        try {
            if (file == null) {
                bundle.update();
            } else {
                Path jar = Path.of((String) file);
                if (!Files.isReadable(jar)) {
                    throw new MonitorException(MonitorException.GENERIC_ERROR, "Cannot read '" + jar + "'");
                }
                try (InputStream in = Files.newInputStream(jar)) {
                    bundle.update(in);
                }
            }
        } catch (BundleException | IOException | IllegalStateException | SecurityException e) {
            throw new MonitorException(MonitorException.GENERIC_ERROR,
                    "Updating " + symbolicName + " failed: " + e.getMessage());
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("bundle", symbolicName);
        result.put("version", bundle.getVersion().toString());
        return result;
    }

    @Override
    public Map<String, Object> parseHmp(String text) throws MonitorException {
        String[] words = text.trim().split("\\s+");
        if (text.isBlank() || words.length > 2) {
            throw new MonitorException(MonitorException.GENERIC_ERROR, "usage: bundle_update name [file]");
        }
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("bundle", words[0]);
        if (words.length == 2) {
            args.put("file", words[1]);
        }
        return args;
    }

    @Override
    public String formatHmp(Object result) {
        Map<?, ?> r = (Map<?, ?>) result;
        return r.get("bundle") + " updated to " + r.get("version") + "\r\n";
    }
}
