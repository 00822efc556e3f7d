package io.modvm.monitor.bundles;

import io.modvm.api.backend.BackendFactory;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.migration.MigrationTransport;
import io.modvm.api.monitor.MonitorCommand;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/**
 * What one bundle is and what it brings to modvm, in QMP's shapes: id, symbolic name, version, state, the jar it was
 * installed from, and the device types, backends ({@code kind:type}), migration transports and monitor commands its
 * registered services provide right now, each sorted.
 */
final class BundleInfos {
    private BundleInfos() {
    }

    static Map<String, Object> describe(Bundle b) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", b.getBundleId());
        out.put("name", BundleNames.label(b));
        out.put("version", b.getVersion().toString());
        out.put("state", state(b.getState()));
        out.put("file", BundleNames.fileName(b));
        List<String> devices = new ArrayList<>();
        List<String> backends = new ArrayList<>();
        List<String> transports = new ArrayList<>();
        List<String> commands = new ArrayList<>();
        ServiceReference<?>[] services;
        try {
            services = b.getRegisteredServices();
        } catch (IllegalStateException uninstalled) {
            services = null;
        }
        for (ServiceReference<?> ref : services == null ? new ServiceReference<?>[0] : services) {
            List<String> classes = Arrays.asList((String[]) ref.getProperty(Constants.OBJECTCLASS));
            if (classes.contains(DeviceFactory.class.getName())) {
                add(devices, ref.getProperty(DeviceFactory.PROP_TYPE));
            }
            if (classes.contains(BackendFactory.class.getName())) {
                add(backends, ref.getProperty(BackendFactory.PROP_KIND) + ":" + ref.getProperty(
                        BackendFactory.PROP_TYPE));
            }
            if (classes.contains(MigrationTransport.class.getName())) {
                add(transports, ref.getProperty(MigrationTransport.PROP_SCHEME));
            }
            if (classes.contains(MonitorCommand.class.getName())) {
                add(commands, ref.getProperty(MonitorCommand.PROP_NAME));
            }
        }
        out.put("device-types", sorted(devices));
        out.put("backends", sorted(backends));
        out.put("transports", sorted(transports));
        out.put("commands", sorted(commands));
        return out;
    }

    /** A bundle's state as Gogo's {@code lb} shows it, in lower case. */
    static String state(int state) {
        return switch (state) {
            case Bundle.ACTIVE -> "active";
            case Bundle.RESOLVED -> "resolved";
            case Bundle.INSTALLED -> "installed";
            case Bundle.STARTING -> "starting";
            case Bundle.STOPPING -> "stopping";
            default -> "uninstalled";
        };
    }

    private static void add(List<String> list, Object value) {
        if (value instanceof String[] many) {
            list.addAll(Arrays.asList(many));
        } else if (value != null) {
            list.add(String.valueOf(value));
        }
    }

    private static List<Object> sorted(List<String> list) {
        return new ArrayList<>(list.stream().distinct().sorted().toList());
    }
}
