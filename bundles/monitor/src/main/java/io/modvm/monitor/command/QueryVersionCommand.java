package io.modvm.monitor.command;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code query-version}: the QEMU version whose QMP modvm speaks (7.2.0), and modvm's own version in
 * {@code package}, so that clients gating features on the QEMU version work and a human sees what answers.
 */
public final class QueryVersionCommand implements MonitorCommand {
    static final int MAJOR = 7;
    static final int MINOR = 2;
    static final int MICRO = 0;

    private final String packageName;

    /** @param modvmVersion modvm's version, as the bundle carries it */
    public QueryVersionCommand(String modvmVersion) {
        this.packageName = " modvm " + modvmVersion;
    }

    @Override
    public String name() {
        return "query-version";
    }

    @Override
    public String description() {
        return "the QEMU version modvm's monitor follows, and modvm's version";
    }

    @Override
    public String hmpName() {
        return "info version";
    }

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        Arguments.allowOnly(arguments);
        return version();
    }

    /** The version object, as in the greeting; QEMU writes micro, minor, major in that order. */
    public Map<String, Object> version() {
        Map<String, Object> qemu = new LinkedHashMap<>();
        qemu.put("micro", (long) MICRO);
        qemu.put("minor", (long) MINOR);
        qemu.put("major", (long) MAJOR);
        Map<String, Object> version = new LinkedHashMap<>();
        version.put("qemu", qemu);
        version.put("package", packageName);
        return version;
    }

    /** The HMP banner line, which names the same version. */
    public static String banner() {
        return "QEMU " + MAJOR + "." + MINOR + "." + MICRO + " monitor - type 'help' for more information";
    }

    @Override
    public String formatHmp(Object result) {
        return MAJOR + "." + MINOR + "." + MICRO + packageName + "\n";
    }
}
