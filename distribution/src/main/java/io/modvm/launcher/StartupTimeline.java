package io.modvm.launcher;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.SynchronousBundleListener;

/**
 * Where a start went, for {@code MODVM_LOG=debug}: the launcher's phases, each start level reached, and per bundle
 * the time its start took (its activator: SCR's own start, SPI Fly's, Config Admin's) and the time until the
 * framework moved on to the next bundle (what runs synchronously on its start: SCR reading its component
 * descriptions and activating its immediate components, SPI Fly weaving the classes those load). Times are in ms
 * from the JVM's start, so the first line also shows what the JVM took before {@code main()}.
 */
final class StartupTimeline implements SynchronousBundleListener, FrameworkListener {
    private static final int SLOWEST = 12;

    private final long originNanos;
    private final List<String> phases = new ArrayList<>();
    private final Map<Long, BundleTimes> bundles = new ConcurrentHashMap<>();
    /** The bundle that started last, whose synchronous follow-up ends with the next event. */
    private volatile BundleTimes lastStarted;

    private static final class BundleTimes {
        final String name;
        long starting;
        long started;
        long next;

        BundleTimes(String name) {
            this.name = name;
        }
    }

    /** @param mainNanos {@link System#nanoTime()} when {@code main()} began */
    StartupTimeline(long mainNanos) {
        long now = System.nanoTime();
        Instant jvmStart = ProcessHandle.current().info().startInstant().orElse(null);
        long sinceJvm = jvmStart == null ? 0 : Duration.between(jvmStart, Instant.now()).toNanos();
        this.originNanos = now - Math.max(sinceJvm, now - mainNanos);
        phases.add(line(mainNanos, "main(): the JVM started and loaded the launcher"));
    }

    synchronized void mark(String what) {
        phases.add(line(System.nanoTime(), what));
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        long now = System.nanoTime();
        closeFollowUp(now);
        Bundle b = event.getBundle();
        if (event.getType() == BundleEvent.STARTING) {
            BundleTimes t = bundles.computeIfAbsent(b.getBundleId(), id -> new BundleTimes(b.getSymbolicName()));
            t.starting = now;
        } else if (event.getType() == BundleEvent.STARTED) {
            BundleTimes t = bundles.get(b.getBundleId());
            if (t != null) {
                t.started = now;
                lastStarted = t;
            }
        }
    }

    @Override
    public void frameworkEvent(FrameworkEvent event) {
        closeFollowUp(System.nanoTime());
        if (event.getType() == FrameworkEvent.STARTLEVEL_CHANGED) {
            mark("start level reached");
        }
    }

    private void closeFollowUp(long now) {
        BundleTimes t = lastStarted;
        if (t != null) {
            lastStarted = null;
            t.next = now;
        }
    }

    /** The timeline, one line each: the phases in order, then the bundles that took longest. */
    synchronized List<String> lines() {
        closeFollowUp(System.nanoTime());
        List<String> out = new ArrayList<>(phases);
        List<BundleTimes> done = bundles.values().stream().filter(t -> t.started != 0).toList();
        long total = done.stream().mapToLong(t -> t.started - t.starting + Math.max(0, t.next - t.started)).sum();
        out.add(String.format("%d bundles started in %d ms of their own (start, then what ran on their start); "
                + "the slowest:", done.size(), TimeUnit.NANOSECONDS.toMillis(total)));
        done.stream().sorted(Comparator.comparingLong((BundleTimes t) -> t.started - t.starting
                + Math.max(0, t.next - t.started)).reversed()).limit(SLOWEST).forEach(t -> out.add(String.format(
                        "  %-44s start %4d ms, then %4d ms (at %d ms)", t.name, millis(t.started - t.starting),
                        millis(Math.max(0, t.next - t.started)), millis(t.starting - originNanos))));
        return out;
    }

    private String line(long at, String what) {
        return String.format("%5d ms  %s", millis(at - originNanos), what);
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
