package io.modvm.virtio.net;

import io.modvm.api.device.DeviceException;

/** MAC addresses as QEMU writes them: six hex bytes separated by colons. */
final class Mac {
    private Mac() {
    }

    static byte[] parse(String type, String text) throws DeviceException {
        String[] parts = text.split("[:-]", -1);
        if (parts.length != 6) {
            throw bad(type, text);
        }
        byte[] mac = new byte[6];
        for (int i = 0; i < 6; i++) {
            if (parts[i].length() != 2) {
                throw bad(type, text);
            }
            try {
                mac[i] = (byte) Integer.parseInt(parts[i], 16);
            } catch (NumberFormatException e) {
                throw bad(type, text);
            }
        }
        if ((mac[0] & 1) != 0) {
            throw new DeviceException(type + ": mac '" + text + "' is a multicast address; a NIC needs a unicast one "
                    + "(the first byte even), e.g. 52:54:00:12:34:56");
        }
        return mac;
    }

    static String format(byte[] mac) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < mac.length; i++) {
            if (i > 0) {
                s.append(':');
            }
            s.append(String.format("%02x", mac[i] & 0xff));
        }
        return s.toString();
    }

    private static DeviceException bad(String type, String text) {
        return new DeviceException(type + ": mac '" + text + "' is not a MAC address; give six hex bytes, e.g. "
                + "mac=52:54:00:12:34:56");
    }
}
