package io.modvm.monitor.bundles;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Component;

/**
 * {@code __io.modvm_bundle-update} (HMP {@code bundle_update NAME [FILE]}): updates a bundle from a jar file, or
 * from where it was installed from, as Gogo's {@code update} does. Updating a device bundle hot-swaps its devices
 * under the running guest. The name carries QMP's prefix for downstream commands, since QEMU has no such command.
 */
@Component(service = MonitorCommand.class, property = MonitorCommand.PROP_NAME + "=" + BundleUpdateCommand.NAME)
public final class BundleUpdateCommand extends BundleCommand {
    static final String NAME = "__io.modvm_bundle-update";

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
    String verb() {
        return "update";
    }

    @Override
    String[] otherArguments() {
        return new String[] {"file"};
    }

    @Override
    void act(Bundle bundle, Map<String, Object> arguments) throws BundleException, MonitorException {
        Object file = arguments.get("file");
        if (file == null) {
            bundle.update();
            return;
        }
        if (!(file instanceof String path)) {
            throw new MonitorException(MonitorException.GENERIC_ERROR,
                    "Invalid parameter type for 'file', expected: string");
        }
        Path jar = Path.of(path);
        if (!Files.isReadable(jar)) {
            throw new MonitorException(MonitorException.GENERIC_ERROR, "Cannot read '" + jar + "'");
        }
        try (InputStream in = Files.newInputStream(jar)) {
            bundle.update(in);
        } catch (IOException e) {
            throw failed(verb(), BundleNames.label(bundle), e);
        }
    }

    @Override
    public Map<String, Object> parseHmp(String text) throws MonitorException {
        String[] words = text.strip().split("\\s+");
        if (words.length != 2) {
            return super.parseHmp(text);
        }
        Map<String, Object> args = super.parseHmp(words[0]);
        args.put("file", words[1]);
        return args;
    }

    @Override
    public String formatHmp(Object result) {
        Map<?, ?> r = (Map<?, ?>) result;
        return r.get(BUNDLE) + " updated to " + r.get("version") + "\r\n";
    }
}
