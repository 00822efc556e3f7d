package io.modvm.core.devices;

import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/**
 * The bundle a factory comes from, by symbolic name and version: what the monitor's device tree shows for each
 * device, and what names the two sides when two bundles offer one device type.
 */
public record Provider(String name, String version) {
    /** The bundle whose class loader defined {@code factory}'s class; "unknown" outside a framework (unit tests). */
    public static Provider of(Object factory) {
        Bundle b = FrameworkUtil.getBundle(factory.getClass());
        if (b == null) {
            return new Provider("unknown", "0.0.0");
        }
        return new Provider(b.getSymbolicName(), b.getVersion().toString());
    }

    @Override
    public String toString() {
        return name + " " + version;
    }
}
