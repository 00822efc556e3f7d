package io.modvm.core.config;

import java.util.Dictionary;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.osgi.service.cm.ManagedServiceFactory;

/**
 * A manager as Config Admin sees it: the managed service factory for its factory PID, registered while a machine
 * runs. Config Admin calls it on its own thread for every configuration, those that exist when it registers
 * included.
 */
public final class ManagedConfigurations implements ManagedServiceFactory {
    private final String name;
    private final BiConsumer<String, Map<String, Object>> updated;
    private final Consumer<String> deleted;

    public ManagedConfigurations(String name, BiConsumer<String, Map<String, Object>> updated,
            Consumer<String> deleted) {
        this.name = name;
        this.updated = updated;
        this.deleted = deleted;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public void updated(String pid, Dictionary<String, ?> properties) {
        updated.accept(pid, ConfigAdminStore.toMap(properties));
    }

    @Override
    public void deleted(String pid) {
        deleted.accept(pid);
    }
}
