package io.modvm.launcher;

import java.util.ArrayList;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.startlevel.BundleStartLevel;

/** Installs the planned bundles and, once the framework has started, tells which of them are not active. */
final class BundleStarter {
    private BundleStarter() {}

    /**
     * Installs every entry with its start level and marks the non-fragments to be started; they start when the
     * framework raises its start level (during {@code Framework.start()}).
     */
    static List<Bundle> installAndMark(BundleContext system, List<BundlePlan.Entry> plan) throws BundleException {
        List<Bundle> installed = new ArrayList<>();
        for (BundlePlan.Entry entry : plan) {
            // reference: lets Felix use the jar in place instead of copying it into the storage folder
            Bundle bundle = system.installBundle("reference:" + entry.jar().toUri());
            bundle.adapt(BundleStartLevel.class).setStartLevel(entry.startLevel());
            if (!entry.fragment()) {
                bundle.start(Bundle.START_ACTIVATION_POLICY);
            }
            installed.add(bundle);
        }
        return installed;
    }

    /**
     * One line per non-fragment bundle of bundle/ that is not active: {@code bundle <bsn> did not start: <reason>}.
     * Bundles of the watched folder are FileInstall's business: a bad one there does not stop modvm.
     */
    static List<String> failures(List<Bundle> bundles, StartupErrors errors) {
        List<String> lines = new ArrayList<>();
        for (Bundle bundle : bundles) {
            if (isFragment(bundle) || isUp(bundle)) {
                continue;
            }
            String reason = errors.reasonFor(bundle);
            if (reason == null) {
                reason = tryStart(bundle);
            }
            if (reason != null) {
                lines.add("bundle " + bundle.getSymbolicName() + " did not start: " + reason);
            }
        }
        return lines;
    }

    static boolean isFragment(Bundle bundle) {
        return bundle.getHeaders("").get(Constants.FRAGMENT_HOST) != null;
    }

    private static boolean isUp(Bundle bundle) {
        if (bundle.getState() == Bundle.ACTIVE) {
            return true;
        }
        String policy = bundle.getHeaders("").get(Constants.BUNDLE_ACTIVATIONPOLICY);
        return bundle.getState() == Bundle.STARTING && policy != null && policy.startsWith(Constants.ACTIVATION_LAZY);
    }

    /** Starts the bundle again to learn why it is not active; null when it starts now. */
    private static String tryStart(Bundle bundle) {
        try {
            bundle.start();
            return bundle.getState() == Bundle.ACTIVE ? null : "it is " + stateName(bundle.getState());
        } catch (BundleException | RuntimeException e) {
            return Messages.oneLine(e);
        }
    }

    static String stateName(int state) {
        switch (state) {
            case Bundle.INSTALLED: return "INSTALLED";
            case Bundle.RESOLVED: return "RESOLVED";
            case Bundle.STARTING: return "STARTING";
            case Bundle.STOPPING: return "STOPPING";
            case Bundle.ACTIVE: return "ACTIVE";
            default: return "UNINSTALLED";
        }
    }
}
