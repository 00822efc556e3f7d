package io.modvm.core.cli;

import io.modvm.api.backend.BackendFactory;
import io.modvm.api.device.DeviceFactory;
import io.modvm.core.backends.BackendCatalog;
import io.modvm.core.devices.DeviceCatalog;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The device and backend factories the registry holds right now, as the command-line component is told of them. */
final class FactoryCatalog implements DeviceCatalog, BackendCatalog {
    private final List<DeviceFactory> devices = new CopyOnWriteArrayList<>();
    private final List<BackendFactory> backends = new CopyOnWriteArrayList<>();

    void add(DeviceFactory f) {
        devices.add(f);
    }

    void remove(DeviceFactory f) {
        devices.remove(f);
    }

    void add(BackendFactory f) {
        backends.add(f);
    }

    void remove(BackendFactory f) {
        backends.remove(f);
    }

    /** Whether {@code f} builds NICs, the devices {@code -nic} and {@code -net nic,model=} name. */
    static boolean isNic(DeviceFactory f) {
        return "network".equals(f.category());
    }

    /** The device factories, by type. */
    List<DeviceFactory> deviceFactories() {
        return devices.stream().sorted(Comparator.comparing(DeviceFactory::type)).toList();
    }

    @Override
    public DeviceFactory find(String type) {
        return devices.stream().filter(f -> f.type().equals(type)).findFirst().orElse(null);
    }

    @Override
    public List<String> types() {
        return devices.stream().map(DeviceFactory::type).sorted().distinct().toList();
    }

    @Override
    public BackendFactory find(String kind, String type) {
        return backends.stream().filter(f -> f.kind().equals(kind) && f.type().equals(type)).findFirst()
                .orElse(null);
    }

    @Override
    public List<String> types(String kind) {
        return backends.stream().filter(f -> f.kind().equals(kind)).map(BackendFactory::type).sorted().distinct()
                .toList();
    }
}
