package io.modvm.api.accel;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A snapshot of a vCPU's registers for error reports, in a fixed order (rip, rsp, rax, ... cr0, cr3, cr4, efer,
 * segments).
 *
 * @param values register name to value, in the order they are printed
 */
public record RegisterDump(Map<String, Long> values) {
    /** Keeps an unmodifiable copy of {@code values} in their order. */
    public RegisterDump {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** One line: {@code rip=000000000010000c rsp=...}. */
    public String format() {
        return values.entrySet().stream()
                .map(e -> e.getKey() + "=" + String.format("%016x", e.getValue()))
                .collect(Collectors.joining(" "));
    }
}
