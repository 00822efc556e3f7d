package io.modvm.virtio.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modvm.api.device.DeviceException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VirtioPciModeTest {
    @Test
    void transitionalByDefaultWhereTheTypeHasALegacyId() throws DeviceException {
        assertEquals(VirtioPciMode.TRANSITIONAL, VirtioPciMode.of("virtio-rng-pci", 4, Map.of()));
        assertEquals(VirtioPciMode.TRANSITIONAL, VirtioPciMode.of("virtio-rng-pci", 4,
                Map.of("disable-legacy", "auto")));
        assertEquals(VirtioPciMode.TRANSITIONAL, VirtioPciMode.of("virtio-rng-pci", 4,
                Map.of("disable-legacy", "off", "disable-modern", "off")));
        assertEquals(VirtioPciMode.MODERN, VirtioPciMode.of("virtio-rng-pci", 4, Map.of("disable-legacy", "on")));
        assertEquals(VirtioPciMode.LEGACY, VirtioPciMode.of("virtio-rng-pci", 4, Map.of("disable-modern", "on")));
        assertEquals(VirtioPciMode.MODERN, VirtioPciMode.of("virtio-gpu-pci", 16, Map.of()), "no legacy ID");
    }

    @Test
    void impossibleCombinationsAreRefusedInOneLine() {
        assertEquals("virtio-rng-pci: disable-legacy=on and disable-modern=on leave the device no interface; drop "
                + "one of them", assertThrows(DeviceException.class, () -> VirtioPciMode.of("virtio-rng-pci", 4,
                        Map.of("disable-legacy", "on", "disable-modern", "on"))).getMessage());
        assertEquals("virtio-gpu-pci: virtio device type 16 has no legacy interface; disable-modern=on is not "
                + "possible", assertThrows(DeviceException.class, () -> VirtioPciMode.of("virtio-gpu-pci", 16,
                        Map.of("disable-modern", "on"))).getMessage());
        assertThrows(DeviceException.class, () -> VirtioPciMode.of("virtio-rng-pci", 4,
                Map.of("disable-legacy", "maybe")));
    }

    @Test
    void legacyIdsAreTheSpecifications() {
        assertEquals(0x1000, VirtioPciMode.legacyDeviceId(1));
        assertEquals(0x1001, VirtioPciMode.legacyDeviceId(2));
        assertEquals(0x1002, VirtioPciMode.legacyDeviceId(5));
        assertEquals(0x1003, VirtioPciMode.legacyDeviceId(3));
        assertEquals(0x1005, VirtioPciMode.legacyDeviceId(4));
        assertEquals(-1, VirtioPciMode.legacyDeviceId(19));
    }
}
