package io.modvm.api.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.DeviceException;
import org.junit.jupiter.api.Test;

class MacAddressTest {
    @Test
    void parsesColonsAndDashesAndFormatsWithColons() throws Exception {
        byte[] mac = MacAddress.parse("e1000", "52:54:00:AB:cd:0f");
        assertArrayEquals(new byte[] {0x52, 0x54, 0x00, (byte) 0xab, (byte) 0xcd, 0x0f}, mac);
        assertArrayEquals(mac, MacAddress.parse("e1000", "52-54-00-ab-cd-0f"));
        assertEquals("52:54:00:ab:cd:0f", MacAddress.format(mac));
    }

    @Test
    void refusesWhatIsNotAUnicastAddressInOneLine() {
        for (String bad : new String[] {"52:54:00:12:34", "52:54:00:12:34:5", "52:54:00:12:34:5g", "", "525400123456"}) {
            DeviceException e = assertThrows(DeviceException.class, () -> MacAddress.parse("e1000", bad), bad);
            assertEquals("e1000: mac '" + bad + "' is not a MAC address; give six hex bytes, e.g. "
                    + "mac=52:54:00:12:34:56", e.getMessage());
        }
        DeviceException multicast = assertThrows(DeviceException.class,
                () -> MacAddress.parse("virtio-net-pci", "01:00:5e:00:00:01"));
        assertTrue(multicast.getMessage().startsWith("virtio-net-pci: mac '01:00:5e:00:00:01' is a multicast "
                + "address"), multicast.getMessage());
    }

    @Test
    void generatedAddressesAreStableUnicastAndQemus() {
        byte[] a = MacAddress.generated("net0");
        assertArrayEquals(a, MacAddress.generated("net0"));
        assertNotEquals(MacAddress.format(a), MacAddress.format(MacAddress.generated("net1")));
        assertTrue(MacAddress.format(a).startsWith("52:54:00:"), MacAddress.format(a));
    }
}
