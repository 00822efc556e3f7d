package io.modvm.migration;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * QEMU 7.2's migration parameters, with its defaults. The ones modvm acts on are {@code max-bandwidth}
 * (bytes per second), {@code downtime-limit} (ms), the auto-converge throttle settings and the {@code announce-*}
 * timing of the destination's announcements; the others are kept and
 * shown, as a management tool that sets them expects.
 */
public final class MigrationParameters {
    private final Map<String, Object> values = new LinkedHashMap<>();

    public MigrationParameters() {
        values.put("announce-initial", 50L);
        values.put("announce-max", 550L);
        values.put("announce-rounds", 5L);
        values.put("announce-step", 100L);
        values.put("compress-level", 1L);
        values.put("compress-threads", 8L);
        values.put("decompress-threads", 2L);
        values.put("compress-wait-thread", true);
        values.put("throttle-trigger-threshold", 50L);
        values.put("cpu-throttle-initial", 20L);
        values.put("cpu-throttle-increment", 10L);
        values.put("cpu-throttle-tailslow", false);
        values.put("tls-creds", "");
        values.put("tls-hostname", "");
        values.put("tls-authz", "");
        values.put("max-bandwidth", 128L << 20);
        values.put("downtime-limit", 300L);
        values.put("x-checkpoint-delay", 20000L);
        values.put("block-incremental", false);
        values.put("multifd-channels", 2L);
        values.put("xbzrle-cache-size", 64L << 20);
        values.put("max-postcopy-bandwidth", 0L);
        values.put("max-cpu-throttle", 99L);
        values.put("multifd-compression", "none");
        values.put("multifd-zlib-level", 1L);
        values.put("multifd-zstd-level", 1L);
    }

    /** All parameters, as {@code query-migrate-parameters} returns them. */
    public synchronized Map<String, Object> all() {
        return new LinkedHashMap<>(values);
    }

    /**
     * Sets every parameter in {@code changes}, or none: each name must be known and its value of the right type
     * and range.
     *
     * @throws IllegalArgumentException with QEMU's message for the first bad one
     */
    public synchronized void set(Map<String, Object> changes) {
        for (Map.Entry<String, Object> e : changes.entrySet()) {
            check(e.getKey(), e.getValue());
        }
        values.putAll(changes);
    }

    private void check(String name, Object value) {
        Object current = values.get(name);
        if (current == null) {
            throw new IllegalArgumentException("Parameter '" + name + "' is unexpected");
        }
        if (current instanceof Long) {
            if (!(value instanceof Long n)) {
                throw new IllegalArgumentException("Parameter '" + name + "' expects an integer");
            }
            long max = switch (name) {
                case "downtime-limit" -> 2_000_000L;
                case "cpu-throttle-initial", "cpu-throttle-increment", "max-cpu-throttle" -> 99L;
                case "throttle-trigger-threshold" -> 100L;
                case "announce-initial", "announce-max" -> 100_000L;
                case "announce-step" -> 10_000L;
                case "announce-rounds" -> 1000L;
                case "max-bandwidth" -> Long.MAX_VALUE;
                default -> Long.MAX_VALUE;
            };
            long min = switch (name) {
                case "cpu-throttle-initial", "cpu-throttle-increment", "max-cpu-throttle",
                        "throttle-trigger-threshold" -> 1L;
                default -> 0L;
            };
            if (n < min || n > max) {
                throw new IllegalArgumentException("Parameter '" + name + "' expects a value between " + min
                        + " and " + max);
            }
        } else if (current instanceof Boolean && !(value instanceof Boolean)) {
            throw new IllegalArgumentException("Parameter '" + name + "' expects a boolean");
        } else if (current instanceof String && !(value instanceof String)) {
            throw new IllegalArgumentException("Parameter '" + name + "' expects a string");
        }
    }

    public synchronized long number(String name) {
        return (Long) values.get(name);
    }

    public synchronized boolean flag(String name) {
        return (Boolean) values.get(name);
    }
}
