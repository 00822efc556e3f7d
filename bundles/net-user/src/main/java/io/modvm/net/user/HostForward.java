package io.modvm.net.user;

import io.modvm.api.device.DeviceException;

/**
 * One {@code hostfwd=[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport} rule: connections to the host's port (or
 * datagrams, for udp) go to the guest's. An empty host address is every address of the host; an empty guest address
 * is the first DHCP address.
 *
 * @param hostAddress IPv4 in host order, 0 for any
 * @param guestAddress IPv4 in host order, 0 for the DHCP start address
 * @param rule the rule as the user wrote it, for messages
 */
record HostForward(boolean udp, int hostAddress, int hostPort, int guestAddress, int guestPort, String rule) {
    static final String FORM = "[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport, e.g. hostfwd=tcp::2222-:22";

    /** Parses a rule, failing as QEMU does ("Invalid host forwarding rule 'R' (Bad host port)") and with the form. */
    static HostForward parse(String rule) throws DeviceException {
        int colon = rule.indexOf(':');
        if (colon < 0) {
            throw invalid(rule, "No : separators");
        }
        String protocol = rule.substring(0, colon);
        boolean udp;
        if (protocol.isEmpty() || protocol.equals("tcp")) {
            udp = false;
        } else if (protocol.equals("udp")) {
            udp = true;
        } else if (protocol.equals("unix")) {
            throw invalid(rule, "unix: forwards are not supported");
        } else {
            throw invalid(rule, "Bad protocol name");
        }
        String rest = rule.substring(colon + 1);
        int hostColon = rest.indexOf(':');
        if (hostColon < 0) {
            throw invalid(rule, "Missing : separator");
        }
        int hostAddress = address(rule, rest.substring(0, hostColon), "Bad host address");
        rest = rest.substring(hostColon + 1);
        int dash = rest.indexOf('-');
        if (dash < 0) {
            throw invalid(rule, "Bad host port separator");
        }
        int hostPort = port(rule, rest.substring(0, dash), 0, "Bad host port");
        rest = rest.substring(dash + 1);
        int guestColon = rest.indexOf(':');
        if (guestColon < 0) {
            throw invalid(rule, "Missing guest address");
        }
        int guestAddress = address(rule, rest.substring(0, guestColon), "Bad guest address");
        int guestPort = port(rule, rest.substring(guestColon + 1), 1, "Bad guest port");
        return new HostForward(udp, hostAddress, hostPort, guestAddress, guestPort, rule);
    }

    private static int address(String rule, String text, String reason) throws DeviceException {
        if (text.isEmpty()) {
            return 0;
        }
        Integer address = Ipv4.parse(text);
        if (address == null) {
            throw invalid(rule, reason);
        }
        return address;
    }

    private static int port(String rule, String text, int lowest, String reason) throws DeviceException {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit)) {
            throw invalid(rule, reason);
        }
        int port = Integer.parseInt(text);
        if (port < lowest || port > 65535) {
            throw invalid(rule, reason);
        }
        return port;
    }

    private static DeviceException invalid(String rule, String reason) {
        return new DeviceException("Invalid host forwarding rule '" + rule + "' (" + reason + "); write it as "
                + FORM);
    }
}
