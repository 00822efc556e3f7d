package io.modvm.devices.emulated.e1000;

import io.modvm.api.device.DeviceException;
import io.modvm.api.net.MacAddress;
import io.modvm.devices.emulated.support.DeviceProperties;
import java.util.Map;

/**
 * The properties of one {@code e1000}, with QEMU's names: {@code netdev} (the backend's id) and {@code mac} (a
 * stable 52:54:00 address derived from the device id without one). QEMU's {@code romfile}, {@code bootindex} and
 * {@code addr} are accepted and have no effect (no option ROM, no firmware to boot from it, and each device takes the
 * lowest free slot); so are {@code autonegotiation} and {@code mitigation}, switches of behaviour this model always
 * has (negotiation completes at once; ITR throttles interrupts).
 *
 * @param netdev the backend's id, or null for a NIC without one
 * @param mac the MAC address the EEPROM holds
 */
record E1000Config(String netdev, byte[] mac) {
    E1000Config {
        mac = mac.clone();
    }

    @Override
    public byte[] mac() {
        return mac.clone();
    }

    static E1000Config parse(String deviceId, Map<String, String> properties) throws DeviceException {
        DeviceProperties p = DeviceProperties.of(E1000Device.MODEL, properties, "netdev", "mac", "romfile",
                "bootindex", "addr", "autonegotiation", "mitigation");
        for (String name : new String[] {"autonegotiation", "mitigation"}) {
            String value = p.text(name, "on");
            if (!value.matches("on|off|true|false|yes|no")) {
                throw new DeviceException(E1000Device.MODEL + ": " + name + " '" + value
                        + "' is not a switch; use on or off");
            }
        }
        String netdev = p.text("netdev", null);
        if (netdev != null && netdev.isEmpty()) {
            throw new DeviceException(E1000Device.MODEL + ": property 'netdev' is empty; give the id of a -netdev");
        }
        byte[] mac = p.has("mac") ? MacAddress.parse(E1000Device.MODEL, p.text("mac", ""))
                : MacAddress.generated(deviceId);
        return new E1000Config(netdev, mac);
    }
}
