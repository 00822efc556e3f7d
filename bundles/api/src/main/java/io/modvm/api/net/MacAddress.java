package io.modvm.api.net;

import io.modvm.api.device.DeviceException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * MAC addresses as QEMU writes them ({@code 52:54:00:12:34:56}), for every NIC model: the {@code mac=} property
 * checked, and the stable address a NIC without one gets.
 *
 * @since 1.1
 */
public final class MacAddress {
    /** QEMU's locally administered prefix, 52:54:00. */
    private static final byte[] PREFIX = {0x52, 0x54, 0x00};

    private MacAddress() {
    }

    /**
     * Six hex bytes separated by colons (or dashes), a unicast address.
     *
     * @param deviceType the device type the property belongs to, for the message
     * @throws DeviceException in one line naming the bad value and what is accepted
     */
    public static byte[] parse(String deviceType, String text) throws DeviceException {
        String[] parts = text.split("[:-]", -1);
        if (parts.length != 6) {
            throw notAnAddress(deviceType, text);
        }
        byte[] mac = new byte[6];
        for (int i = 0; i < 6; i++) {
            if (parts[i].length() != 2) {
                throw notAnAddress(deviceType, text);
            }
            try {
                mac[i] = (byte) Integer.parseInt(parts[i], 16);
            } catch (NumberFormatException e) {
                throw notAnAddress(deviceType, text);
            }
        }
        if ((mac[0] & 1) != 0) {
            throw new DeviceException(deviceType + ": mac '" + text + "' is a multicast address; a NIC needs a "
                    + "unicast one (the first byte even), e.g. 52:54:00:12:34:56");
        }
        return mac;
    }

    /** {@code mac} as six lower-case hex bytes separated by colons. */
    public static String format(byte[] mac) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < mac.length; i++) {
            if (i > 0) {
                s.append(':');
            }
            s.append(String.format("%02x", mac[i] & 0xff));
        }
        return s.toString();
    }

    /**
     * A stable locally administered address for a NIC without {@code mac=}: QEMU's 52:54:00 prefix, then three bytes
     * from the device id, so the same command line gives the guest the same address every time.
     */
    public static byte[] generated(String deviceId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(deviceId.getBytes(StandardCharsets.UTF_8));
            return new byte[] {PREFIX[0], PREFIX[1], PREFIX[2], digest[0], digest[1], digest[2]};
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static DeviceException notAnAddress(String deviceType, String text) {
        return new DeviceException(deviceType + ": mac '" + text + "' is not a MAC address; give six hex bytes, "
                + "e.g. mac=52:54:00:12:34:56");
    }
}
