package io.modvm.core.devices;

import java.util.Dictionary;
import org.osgi.service.cm.ManagedServiceFactory;

/**
 * The manager as Config Admin sees it: the managed service factory for PID {@value DeviceManager#FACTORY_PID},
 * registered while a machine runs. Config Admin calls it on its own thread for every device configuration, those
 * that exist when it registers included.
 */
public final class DeviceConfigurations implements ManagedServiceFactory {
    private final DeviceManager manager;

    public DeviceConfigurations(DeviceManager manager) {
        this.manager = manager;
    }

    @Override
    public String getName() {
        return "modvm devices";
    }

    @Override
    public void updated(String pid, Dictionary<String, ?> properties) {
        manager.configurationUpdated(pid, ConfigAdminStore.toMap(properties));
    }

    @Override
    public void deleted(String pid) {
        manager.configurationDeleted(pid);
    }
}
