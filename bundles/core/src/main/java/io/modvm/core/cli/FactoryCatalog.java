package io.modvm.core.cli;

import io.modvm.api.backend.BackendFactory;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.core.assembly.AssemblyCatalog;
import io.modvm.core.backends.BackendCatalog;
import io.modvm.core.devices.DeviceCatalog;
import io.modvm.core.devices.DeviceIds;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The device and backend factories the registry holds right now, as the command-line component is told of them; a
 * type none provides is named with the bundle that would (the assembly's catalog), or as a typo.
 */
final class FactoryCatalog implements DeviceCatalog, BackendCatalog {
    private final List<DeviceFactory> devices = new CopyOnWriteArrayList<>();
    private final List<BackendFactory> backends = new CopyOnWriteArrayList<>();
    private volatile AssemblyCatalog assembly = AssemblyCatalog.empty();

    void assembly(AssemblyCatalog catalog) {
        assembly = catalog;
    }

    AssemblyCatalog assembly() {
        return assembly;
    }

    /** {@code 'T' is provided by bundle B, which this assembly (A) does not include}, or a typo's error. */
    @Override
    public DeviceFactory require(String type) throws DeviceException {
        DeviceFactory factory = find(type);
        if (factory != null) {
            return factory;
        }
        String absent = assembly.absent("device", type);
        throw absent != null ? new DeviceException("'" + type + "' is " + absent)
                : DeviceIds.unknownType(type, types());
    }

    @Override
    public DeviceException unknownType(String kind, String type) {
        String absent = assembly.absent("backend", kind + ":" + type);
        return absent != null ? new DeviceException(kind + " type '" + type + "' is " + absent)
                : BackendCatalog.super.unknownType(kind, type);
    }

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
