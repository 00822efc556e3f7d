package io.modvm.core.machine;

import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.core.devices.DeviceConfiguration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The devices in a migration's machine description: each device's id, type and properties ({@code device-config}
 * v1 records, in plug order), and what differs between the source's and this machine's, in words a user can act on.
 */
final class DeviceDescriptions {
    private static final String CONFIG = "device-config";
    private static final String PROPERTY = "device-property";
    private static final String ADVICE = " (start the destination with the same -device options)";

    private DeviceDescriptions() {
    }

    static List<StateRecord> describe(Map<String, DeviceConfiguration> devices) {
        List<StateRecord> out = new ArrayList<>();
        devices.forEach((id, c) -> {
            List<StateRecord> properties = new ArrayList<>();
            new TreeMap<>(c.properties()).forEach((k, v) -> properties.add(StateRecord.builder(PROPERTY, 1)
                    .put("name", k).put("value", v).build()));
            out.add(StateRecord.builder(CONFIG, 1).put("id", id).put("type", c.type())
                    .put("properties", properties).build());
        });
        return out;
    }

    /** What differs between {@code source} and {@code here} (both from {@link #describe}); empty if nothing. */
    static List<String> differences(List<StateRecord> source, List<StateRecord> here) throws StateException {
        Map<String, DeviceConfiguration> there = read(source);
        Map<String, DeviceConfiguration> mine = read(here);
        List<String> out = new ArrayList<>();
        there.forEach((id, c) -> {
            if (!mine.containsKey(id)) {
                out.add("device '" + id + "' (" + c.type() + ") is on the source only" + ADVICE);
            }
        });
        mine.forEach((id, c) -> {
            if (!there.containsKey(id)) {
                out.add("device '" + id + "' (" + c.type() + ") is here only" + ADVICE);
            }
        });
        there.forEach((id, c) -> {
            DeviceConfiguration m = mine.get(id);
            if (m == null) {
                return;
            }
            if (!c.type().equals(m.type())) {
                out.add("device '" + id + "': source " + c.type() + ", here " + m.type() + ADVICE);
                return;
            }
            List<String> props = new ArrayList<>();
            TreeSet<String> names = new TreeSet<>(c.properties().keySet());
            names.addAll(m.properties().keySet());
            for (String name : names) {
                String a = c.properties().get(name);
                String b = m.properties().get(name);
                if (a == null || !a.equals(b)) {
                    props.add(name + " source " + shown(a) + ", here " + shown(b));
                }
            }
            if (!props.isEmpty()) {
                out.add("device '" + id + "' (" + c.type() + "): " + String.join(", ", props) + ADVICE);
            }
        });
        if (out.isEmpty() && !List.copyOf(there.keySet()).equals(List.copyOf(mine.keySet()))) {
            out.add("devices in another order: source [" + String.join(",", there.keySet()) + "], here ["
                    + String.join(",", mine.keySet()) + "]" + ADVICE);
        }
        return out;
    }

    private static String shown(String value) {
        return value == null ? "(not set)" : value;
    }

    private static Map<String, DeviceConfiguration> read(List<StateRecord> records) throws StateException {
        Map<String, DeviceConfiguration> out = new LinkedHashMap<>();
        for (StateRecord r : records) {
            r.require(CONFIG, 1, 1);
            Map<String, String> properties = new LinkedHashMap<>();
            for (StateRecord p : r.getRecords("properties")) {
                p.require(PROPERTY, 1, 1);
                properties.put(p.getString("name"), p.getString("value"));
            }
            out.put(r.getString("id"), new DeviceConfiguration(r.getString("type"), properties));
        }
        return out;
    }
}
