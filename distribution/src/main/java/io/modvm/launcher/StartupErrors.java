package io.modvm.launcher;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;

/**
 * Framework errors: while bundles start, remembered per bundle (the launcher reports them in one line each);
 * afterwards printed to stderr, since Felix's own logger (stdout) is off. A resolution failure of a bundle that
 * {@link UnresolvedDeployBundles} reports (one of deploy/) is left to it, so that such a bundle gets one line.
 */
final class StartupErrors implements FrameworkListener {
    private final LogSettings log;
    private final Predicate<Bundle> resolutionReportedElsewhere;
    private final Map<Long, String> reasons = new ConcurrentHashMap<>();
    private final Map<Long, String> names = new ConcurrentHashMap<>();
    private volatile boolean started;

    StartupErrors(LogSettings log) {
        this(log, bundle -> false);
    }

    StartupErrors(LogSettings log, Predicate<Bundle> resolutionReportedElsewhere) {
        this.log = log;
        this.resolutionReportedElsewhere = resolutionReportedElsewhere;
    }

    @Override
    public void frameworkEvent(FrameworkEvent event) {
        boolean error = event.getType() == FrameworkEvent.ERROR;
        if (!error && event.getType() != FrameworkEvent.WARNING) {
            return;
        }
        Bundle bundle = event.getBundle();
        if (bundle != null && event.getThrowable() instanceof BundleException be
                && be.getType() == BundleException.RESOLVE_ERROR && resolutionReportedElsewhere.test(bundle)) {
            return;
        }
        String reason = event.getThrowable() == null ? "framework " + (error ? "error" : "warning")
                : Messages.oneLine(event.getThrowable());
        if (!started && error && bundle != null && bundle.getBundleId() != 0) {
            names.putIfAbsent(bundle.getBundleId(), String.valueOf(bundle.getSymbolicName()));
            reasons.putIfAbsent(bundle.getBundleId(), reason);
        } else if (log.shows(error ? "error" : "warn")) {
            String who = bundle == null ? "" : bundle.getSymbolicName() + ": ";
            System.err.println("modvm: " + who + reason);
        }
    }

    /** The first error the framework reported for this bundle while starting, or null. */
    String reasonFor(Bundle bundle) {
        return reasons.get(bundle.getBundleId());
    }

    /**
     * From now on errors are printed as they come; those already recorded for bundles other than the given ones
     * (which the launcher reported itself), such as bundles of the watched folder, are printed now.
     */
    void startupDone(Collection<Bundle> reported) {
        started = true;
        Set<Long> ids = reported.stream().map(Bundle::getBundleId).collect(Collectors.toSet());
        reasons.forEach((id, reason) -> {
            if (!ids.contains(id) && log.shows("error")) {
                System.err.println("modvm: " + names.get(id) + ": " + reason);
            }
        });
    }
}
