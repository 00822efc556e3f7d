package io.modvm.devices.emulated.e1000;

import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceProperties;
import io.modvm.api.device.DeviceProperty;
import io.modvm.api.net.MacAddress;
import java.util.List;
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
    static final List<DeviceProperty> PROPERTIES = List.of(
            DeviceProperty.string("netdev", "ID of a netdev to use as a backend"),
            DeviceProperty.string("mac", "MAC address, e.g. 52:54:00:12:34:56; by default one derived from the id"),
            DeviceProperty.string("romfile", "accepted for QEMU compatibility; no option ROM is loaded"),
            DeviceProperty.integer("bootindex", "accepted for QEMU compatibility; no firmware boots from it")
                    .range(-1, Integer.MAX_VALUE),
            DeviceProperty.string("addr", "accepted for QEMU compatibility; the device takes the lowest free slot"),
            DeviceProperty.bool("autonegotiation", "accepted; negotiation always completes at once")
                    .withDefault(true),
            DeviceProperty.bool("mitigation", "accepted; ITR always throttles interrupts").withDefault(true));

    E1000Config {
        mac = mac.clone();
    }

    @Override
    public byte[] mac() {
        return mac.clone();
    }

    /** {@code properties} as given, checked as the core checks them. */
    static E1000Config parse(String deviceId, Map<String, String> properties) throws DeviceException {
        return parse(deviceId, DeviceProperties.parse(E1000Device.MODEL, PROPERTIES, properties));
    }

    static E1000Config parse(String deviceId, DeviceProperties p) throws DeviceException {
        String netdev = p.string("netdev");
        if (netdev != null && netdev.isEmpty()) {
            throw new DeviceException(E1000Device.MODEL + ": property 'netdev' is empty; give the id of a -netdev");
        }
        byte[] mac = p.isSet("mac") ? MacAddress.parse(E1000Device.MODEL, p.string("mac"))
                : MacAddress.generated(deviceId);
        return new E1000Config(netdev, mac);
    }
}
