package io.modvm.core.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.core.devices.DeviceConfiguration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeviceDescriptionsTest {
    private static Map<String, DeviceConfiguration> devices(Object... idTypeProps) {
        Map<String, DeviceConfiguration> out = new LinkedHashMap<>();
        for (int i = 0; i < idTypeProps.length; i += 3) {
            @SuppressWarnings("unchecked")
            Map<String, String> p = (Map<String, String>) idTypeProps[i + 2];
            out.put((String) idTypeProps[i], new DeviceConfiguration((String) idTypeProps[i + 1], p));
        }
        return out;
    }

    private static List<String> diff(Map<String, DeviceConfiguration> source, Map<String, DeviceConfiguration> here)
            throws Exception {
        return DeviceDescriptions.differences(DeviceDescriptions.describe(source), DeviceDescriptions.describe(here));
    }

    @Test
    void theSameDevicesDoNotDiffer() throws Exception {
        Map<String, DeviceConfiguration> d = devices("net0", "virtio-net-pci", Map.of("mac", "52:54:00:00:00:01"),
                "rng0", "virtio-rng-pci", Map.of());
        assertEquals(List.of(), diff(d, d));
    }

    @Test
    void eachDifferenceIsNamed() throws Exception {
        List<String> out = diff(
                devices("net0", "virtio-net-pci", Map.of("mac", "52:54:00:00:00:01"), "blk0", "virtio-blk-pci",
                        Map.of(), "old", "virtio-rng-pci", Map.of()),
                devices("net0", "virtio-net-pci", Map.of("mac", "52:54:00:00:00:02", "mq", "on"), "blk0",
                        "e1000", Map.of(), "new", "virtio-rng-pci", Map.of()));
        String all = String.join("\n", out);
        assertTrue(all.contains("device 'old' (virtio-rng-pci) is on the source only"), all);
        assertTrue(all.contains("device 'new' (virtio-rng-pci) is here only"), all);
        assertTrue(all.contains("device 'blk0': source virtio-blk-pci, here e1000"), all);
        assertTrue(all.contains("device 'net0' (virtio-net-pci): mac source 52:54:00:00:00:01, here"
                + " 52:54:00:00:00:02, mq source (not set), here on"), all);
        assertEquals(4, out.size(), all);
    }

    @Test
    void anotherOrderIsADifference() throws Exception {
        List<String> out = diff(devices("a", "t", Map.of(), "b", "t", Map.of()),
                devices("b", "t", Map.of(), "a", "t", Map.of()));
        assertEquals(1, out.size(), out.toString());
        assertTrue(out.get(0).startsWith("devices in another order: source [a,b], here [b,a]"), out.get(0));
    }
}
