package io.modvm.migration;

import io.modvm.api.monitor.MonitorEvents;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * QEMU's MIGRATION and MIGRATION_PASS events, sent only while the {@code events} capability is on (as QEMU does;
 * libvirt turns it on).
 */
public final class MigrationEvents {
    private final Supplier<MonitorEvents> monitor;
    private final BooleanSupplier enabled;

    public MigrationEvents(Supplier<MonitorEvents> monitor, BooleanSupplier enabled) {
        this.monitor = monitor;
        this.enabled = enabled;
    }

    public void status(MigrationStatus s) {
        emit("MIGRATION", Map.of("status", s.qmpName()));
    }

    public void pass(long pass) {
        emit("MIGRATION_PASS", Map.of("pass", pass));
    }

    private void emit(String event, Map<String, Object> data) {
        MonitorEvents m = monitor.get();
        if (m != null && enabled.getAsBoolean()) {
            m.emit(event, data);
        }
    }
}
