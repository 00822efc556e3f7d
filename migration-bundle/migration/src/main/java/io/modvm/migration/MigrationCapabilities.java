package io.modvm.migration;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * QEMU 7.2's migration capabilities. modvm can turn on {@code events} (MIGRATION and MIGRATION_PASS events),
 * {@code auto-converge} (throttle the vCPUs of a guest that dirties RAM faster than the link) and
 * {@code return-path} (always used where the carrier has a way back) and {@code x-ignore-shared} (RAM is shared
 * memory, so it is not copied: on a unix socket the source hands its memfd over to a destination on the same host,
 * a live update of the VMM in milliseconds); the others are shown off and refused on.
 */
public final class MigrationCapabilities {
    private static final List<String> NAMES = List.of("xbzrle", "rdma-pin-all", "auto-converge", "zero-blocks",
            "compress", "events", "postcopy-ram", "x-colo", "release-ram", "block", "return-path",
            "pause-before-switchover", "multifd", "dirty-bitmaps", "postcopy-blocktime", "late-block-activate",
            "x-ignore-shared", "validate-uuid", "background-snapshot", "zero-copy-send", "postcopy-preempt");
    private static final Set<String> SUPPORTED = Set.of("auto-converge", "events", "return-path", "zero-blocks",
            "late-block-activate", "validate-uuid", "x-ignore-shared");

    private final Map<String, Boolean> states = new LinkedHashMap<>();

    public MigrationCapabilities() {
        NAMES.forEach(n -> states.put(n, false));
    }

    /** As {@code query-migrate-capabilities}: a list of {@code {"capability": N, "state": B}}. */
    public synchronized List<Object> all() {
        List<Object> out = new ArrayList<>();
        states.forEach((n, s) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("capability", n);
            m.put("state", s);
            out.add(m);
        });
        return out;
    }

    /** Sets all or none; throws IllegalArgumentException naming the first unknown or unsupported one. */
    public synchronized void set(Map<String, Boolean> changes) {
        for (Map.Entry<String, Boolean> e : changes.entrySet()) {
            if (!states.containsKey(e.getKey())) {
                throw new IllegalArgumentException("Parameter 'capability' does not accept value '" + e.getKey()
                        + "'");
            }
            if (e.getValue() && !SUPPORTED.contains(e.getKey())) {
                throw new IllegalArgumentException("Migration capability '" + e.getKey()
                        + "' is not supported by modvm; supported: " + String.join(", ", SUPPORTED.stream()
                                .sorted().toList()));
            }
        }
        states.putAll(changes);
    }

    public synchronized boolean on(String name) {
        return states.getOrDefault(name, false);
    }
}
