package io.modvm.core.cli;

import io.modvm.api.backend.BackendKinds;
import io.modvm.core.backends.BackendSpec;
import io.modvm.core.devices.DeviceSpec;
import io.modvm.core.options.OptionList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line's networks, in QEMU's three spellings: {@code -netdev TYPE,id=ID,...} (a backend that a
 * {@code -device ...,netdev=ID} takes); {@code -nic TYPE,...[,model=M][,mac=MAC]} (a backend and its NIC in one);
 * and the legacy {@code -net nic,...} with {@code -net TYPE,...}, where QEMU joins NICs and backends through a hub:
 * modvm joins the first {@code -net nic} to the first {@code -net TYPE}, and so on, which is what a hub does for
 * one of each. The backend types and their options are checked when the backends open.
 */
final class Netdevs {
    /** What {@code model=virtio} stands for, as in QEMU on a PCI machine. */
    static final String VIRTIO_MODEL = "virtio-net-pci";

    private final List<BackendSpec> backends;
    private final List<DeviceSpec> devices;
    private final String defaultModel;
    private final List<Map<String, String>> legacyNics = new ArrayList<>();
    private final List<String> legacyBackends = new ArrayList<>();
    private int nics;

    /**
     * @param backends where the backends go, in command-line order
     * @param devices where the NICs go
     * @param defaultModel the NIC model of {@code -nic} and {@code -net nic} without {@code model=}
     */
    Netdevs(List<BackendSpec> backends, List<DeviceSpec> devices, String defaultModel) {
        this.backends = backends;
        this.devices = devices;
        this.defaultModel = defaultModel;
    }

    /** {@code -netdev TYPE,id=ID,...}; returns true for {@code -netdev help}. */
    boolean netdev(String text) throws UsageException {
        OptionList options = OptionList.parse(text);
        String type = options.implied();
        if ("help".equals(type) || "?".equals(type)) {
            return true;
        }
        Map<String, String> values = backendValues(options);
        if (type == null || type.isEmpty()) {
            type = take(options, values, "type");
        }
        String id = take(options, values, "id");
        if (type == null || type.isEmpty()) {
            throw new UsageException("-netdev " + text + ": Parameter 'type' is missing; use e.g. -netdev "
                    + "user,id=n0 or -netdev tap,id=n0,ifname=tap0,script=no,downscript=no");
        }
        if (id == null || id.isEmpty()) {
            throw new UsageException("-netdev " + text + ": Parameter 'id' is missing; use e.g. -netdev " + type
                    + ",id=n0");
        }
        backends.add(new BackendSpec(BackendKinds.NETDEV, type, id, values, "-netdev " + text, false));
        return false;
    }

    /**
     * {@code -nic TYPE,...}: the backend with the options QEMU gives it, and a NIC of {@code model} (the machine's
     * default without one) with {@code mac}. Returns true for {@code model=help}; {@code -nic none} adds nothing.
     */
    boolean nic(String text) throws UsageException {
        OptionList options = OptionList.parse(text);
        String type = options.implied();
        Map<String, String> values = backendValues(options);
        if (type == null || type.isEmpty()) {
            throw new UsageException("-nic " + text + ": no backend type given; use e.g. -nic user,model=virtio");
        }
        if (type.equals("none")) {
            return false;
        }
        String model = take(options, values, "model");
        if (isHelp(model)) {
            return true;
        }
        String mac = take(options, values, "mac");
        String id = "__org.qemu.nic" + nics++;
        backends.add(new BackendSpec(BackendKinds.NETDEV, type, id, values, "-nic " + text, false));
        Map<String, String> props = new LinkedHashMap<>();
        props.put("netdev", id);
        if (mac != null) {
            props.put("mac", mac);
        }
        devices.add(new DeviceSpec(model(model), null, props, "-nic " + text));
        return false;
    }

    /** {@code -net nic,...} or {@code -net TYPE,...}; returns true for {@code -net nic,model=help}. */
    boolean net(String text) throws UsageException {
        OptionList options = OptionList.parse(text);
        String type = options.implied();
        Map<String, String> values = backendValues(options);
        if (type == null || type.isEmpty()) {
            throw new UsageException("-net " + text + ": no type given; use -net nic,model=virtio with -net "
                    + "user or -net tap,...");
        }
        if (type.equals("none")) {
            return false;
        }
        if (values.containsKey("vlan")) {
            throw new UsageException("-net " + text + ": 'vlan' is no longer supported (QEMU dropped it in 3.0); "
                    + "use -netdev and -device");
        }
        if (type.equals("nic")) {
            if (isHelp(options.values().get("model"))) {
                return true;
            }
            legacyNics.add(new LinkedHashMap<>(options.values()));
            return false;
        }
        String name = take(options, values, "name");
        String id = take(options, values, "id");
        String backendId = id != null ? id : name != null ? name : "__org.qemu.net" + legacyBackends.size();
        legacyBackends.add(backendId);
        backends.add(new BackendSpec(BackendKinds.NETDEV, type, backendId, values, "-net " + text, false));
        return false;
    }

    /** Joins the legacy NICs to the legacy backends, after the whole command line is read. */
    void finish() throws UsageException {
        if (!legacyNics.isEmpty() && !legacyBackends.isEmpty() && legacyNics.size() != legacyBackends.size()) {
            throw new UsageException(legacyNics.size() + " '-net nic' and " + legacyBackends.size() + " '-net "
                    + "TYPE' options: modvm joins each -net nic to one -net backend, in order; give as many of each, "
                    + "or use -netdev TYPE,id=ID with -device MODEL,netdev=ID");
        }
        for (int i = 0; i < legacyNics.size(); i++) {
            Map<String, String> values = new LinkedHashMap<>(legacyNics.get(i));
            String model = model(values.remove("model"));
            String mac = values.remove("macaddr");
            String name = values.remove("name");
            String netdev = values.remove("netdev");
            Map<String, String> props = new LinkedHashMap<>(values);
            if (netdev == null && !legacyBackends.isEmpty()) {
                netdev = legacyBackends.get(i);
            }
            if (netdev != null) {
                props.put("netdev", netdev);
            }
            if (mac != null) {
                props.put("mac", mac);
            }
            devices.add(new DeviceSpec(model, name, props, "-net nic,model=" + model));
        }
    }

    /**
     * The options a backend gets: a key given more than once keeps all its values, joined by
     * {@link OptionList#REPEAT_SEPARATOR}, for the backend types with list options ({@code user}'s
     * {@code hostfwd}).
     */
    private static Map<String, String> backendValues(OptionList options) {
        return new LinkedHashMap<>(options.joinedValues());
    }

    /** One of this class's own keys (id, model, mac...): the last value, as QEMU takes a repeated scalar. */
    private static String take(OptionList options, Map<String, String> values, String key) {
        values.remove(key);
        return options.values().get(key);
    }

    private String model(String model) {
        if (model == null || model.isEmpty()) {
            return defaultModel;
        }
        return model.equals("virtio") ? VIRTIO_MODEL : model;
    }

    private static boolean isHelp(String model) {
        return "help".equals(model) || "?".equals(model);
    }
}
