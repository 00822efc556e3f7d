package io.modvm.monitor.bundles;

import io.modvm.api.monitor.MonitorException;
import java.util.Set;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;

/**
 * The bundles the monitor will not stop or uninstall: the framework, the monitor itself (it would cut the
 * connection that asked), the core and its API (the machine lives in them), and the runtime every component needs
 * (Declarative Services, Config Admin). Without them the process could not be told anything any more.
 */
final class BundleGuard {
    private static final Set<String> ESSENTIAL = Set.of("io.modvm.core", "io.modvm.api", "org.apache.felix.scr",
            "org.apache.felix.configadmin");

    private BundleGuard() {
    }

    /**
     * @param self the monitor's own bundle
     * @throws MonitorException if {@code b} is one of the bundles the process cannot do without
     */
    static void refuseEssential(Bundle b, Bundle self, String verb) throws MonitorException {
        String why = null;
        if (b.getBundleId() == Constants.SYSTEM_BUNDLE_ID) {
            why = "it is the OSGi framework; use quit to end modvm";
        } else if (b.getBundleId() == self.getBundleId()) {
            why = "it is the monitor you are talking to";
        } else if (ESSENTIAL.contains(b.getSymbolicName())) {
            why = "the machine and the monitor need it; use quit to end modvm";
        }
        if (why != null) {
            throw new MonitorException(MonitorException.GENERIC_ERROR,
                    "Refusing to " + verb + " " + BundleNames.label(b) + ": " + why);
        }
    }
}
