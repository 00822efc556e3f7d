package io.modvm.migration;

import io.modvm.api.migration.MigrationTransport;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** The migration transports registered now, by URI scheme; a URI is split at its first colon. */
public final class Transports {
    private final Map<String, MigrationTransport> byScheme = new ConcurrentHashMap<>();

    void add(MigrationTransport t) {
        byScheme.put(t.scheme(), t);
    }

    void remove(MigrationTransport t) {
        byScheme.remove(t.scheme(), t);
    }

    /** A transport and the address part of {@code uri}. */
    public record Target(MigrationTransport transport, String address) {
    }

    /**
     * The transport for {@code uri}, waiting up to {@code waitMillis} for its bundle to register it (a machine
     * started with {@code -incoming} may be up before the transports are).
     *
     * @throws IllegalArgumentException naming the URI and the schemes that are there
     */
    public Target find(String uri, long waitMillis) {
        int colon = uri.indexOf(':');
        MigrationTransport t = colon > 0 ? byScheme.get(uri.substring(0, colon)) : null;
        long deadline = System.nanoTime() + waitMillis * 1_000_000;
        while (t == null && colon > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            t = byScheme.get(uri.substring(0, colon));
        }
        if (t == null) {
            throw new IllegalArgumentException("'" + uri + "' is not a migration URI modvm can use (schemes now: "
                    + String.join(", ", new TreeMap<>(byScheme).keySet().stream().map(s -> s + ":").toList())
                    + ")");
        }
        return new Target(t, uri.substring(colon + 1));
    }
}
