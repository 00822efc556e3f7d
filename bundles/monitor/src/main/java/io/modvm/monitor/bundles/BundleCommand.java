package io.modvm.monitor.bundles;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.monitor.command.Arguments;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;

/**
 * A monitor command that acts on one installed bundle, named as {@link BundleNames} finds it (argument
 * {@code bundle}; HMP: the first word). Each answers with the bundle's symbolic name, version, id and state after
 * the act. A framework error is one line: the framework's text with its line breaks folded.
 */
abstract class BundleCommand implements MonitorCommand {
    /** The QMP argument that names the bundle. */
    static final String BUNDLE = "bundle";
    private BundleContext context;

    @Activate
    void activate(BundleContext bundleContext) {
        this.context = bundleContext;
    }

    final BundleContext context() {
        return context;
    }

    /** The verb of this command in messages ("stop"). */
    abstract String verb();

    /** Does the command's work on {@code bundle}. */
    abstract void act(Bundle bundle, Map<String, Object> arguments) throws BundleException, MonitorException;

    /** The QMP arguments besides {@code bundle}. */
    String[] otherArguments() {
        return new String[0];
    }

    @Override
    public String hmpArguments() {
        return "name";
    }

    @Override
    public final Object execute(Map<String, Object> arguments) throws MonitorException {
        String name = Arguments.requireString(arguments, BUNDLE);
        String[] others = otherArguments();
        String[] allowed = new String[others.length + 1];
        allowed[0] = BUNDLE;
        System.arraycopy(others, 0, allowed, 1, others.length);
        Arguments.allowOnly(arguments, allowed);
        Bundle bundle = BundleNames.find(context.getBundles(), name);
        try {
            act(bundle, arguments);
        } catch (BundleException | IllegalStateException | SecurityException e) {
            throw failed(verb(), BundleNames.label(bundle), e);
        }
        return result(bundle);
    }

    /** {@code bundle}'s name, version, id and state, as every bundle command answers. */
    static Map<String, Object> result(Bundle bundle) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put(BUNDLE, BundleNames.label(bundle));
        result.put("version", bundle.getVersion().toString());
        result.put("id", bundle.getBundleId());
        result.put("state", BundleInfos.state(bundle.getState()));
        return result;
    }

    /** A framework error as one line. */
    static MonitorException failed(String verb, String what, Exception e) {
        String reason = String.valueOf(e.getMessage()).replaceAll("\\s*\\R\\s*", " ").strip();
        return new MonitorException(MonitorException.GENERIC_ERROR,
                "Could not " + verb + " " + what + ": " + reason);
    }

    @Override
    public Map<String, Object> parseHmp(String text) throws MonitorException {
        String[] words = text.strip().split("\\s+");
        if (text.isBlank() || words.length > 1) {
            throw new MonitorException(MonitorException.GENERIC_ERROR, "usage: " + hmpName() + " "
                    + hmpArguments());
        }
        Map<String, Object> args = new LinkedHashMap<>();
        args.put(BUNDLE, words[0]);
        return args;
    }

    @Override
    public String formatHmp(Object result) {
        Map<?, ?> r = (Map<?, ?>) result;
        return r.get(BUNDLE) + " " + r.get("version") + " (id " + r.get("id") + "): " + r.get("state") + "\r\n";
    }
}
