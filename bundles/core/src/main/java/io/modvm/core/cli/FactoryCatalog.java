package io.modvm.core.cli;

import io.modvm.api.backend.BackendFactory;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.core.assembly.AssemblyCatalog;
import io.modvm.core.backends.BackendCatalog;
import io.modvm.core.devices.DeviceCatalog;
import io.modvm.core.devices.DeviceIds;
import io.modvm.core.devices.Provider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device and backend factories the registry holds right now, as the command-line component is told of them; a
 * type none provides is named with the bundle that would (the assembly's catalog), or as a typo.
 *
 * <p>One device type, one provider: the first factory of a type holds it. A factory of the same type from another
 * bundle (or another version) is refused with one warning naming both bundles and versions, and stays unused
 * while the holder is there; when the holder leaves, the first refused one takes the type over, and the devices of
 * that type are handed to it as in a bundle update.
 */
final class FactoryCatalog implements DeviceCatalog, BackendCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(FactoryCatalog.class);
    private final List<DeviceFactory> devices = new CopyOnWriteArrayList<>();
    /** Factories of a type another factory holds, in arrival order; guarded by this. */
    private final List<DeviceFactory> refused = new ArrayList<>();
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

    /** Returns false, having logged why, if another factory holds {@code f}'s type. */
    synchronized boolean add(DeviceFactory f) {
        DeviceFactory holder = find(f.type());
        if (holder != null) {
            refused.add(f);
            LOG.warn("device type {}: {} is refused, {} provides it already; stop or uninstall one of them",
                    f.type(), Provider.of(f), Provider.of(holder));
            return false;
        }
        devices.add(f);
        return true;
    }

    /** Returns the refused factory that takes {@code f}'s type over now that {@code f} left, or null. */
    synchronized DeviceFactory remove(DeviceFactory f) {
        if (refused.remove(f) || !devices.remove(f)) {
            return null;
        }
        for (DeviceFactory r : refused) {
            if (r.type().equals(f.type())) {
                refused.remove(r);
                devices.add(r);
                LOG.warn("device type {}: {} left; {} provides it now", f.type(), Provider.of(f), Provider.of(r));
                return r;
            }
        }
        return null;
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
