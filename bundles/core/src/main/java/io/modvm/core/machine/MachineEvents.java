package io.modvm.core.machine;

import java.util.Map;

/** Where the machine reports what QMP announces as events (STOP, RESUME, RESET, SHUTDOWN, POWERDOWN). */
@FunctionalInterface
public interface MachineEvents {
    MachineEvents NONE = (name, data) -> {
    };

    /** Reports event {@code name} with {@code data} (null for none). */
    void emit(String name, Map<String, Object> data);
}
