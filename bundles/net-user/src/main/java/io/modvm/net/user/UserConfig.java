package io.modvm.net.user;

import io.modvm.api.backend.BackendOptions;
import io.modvm.api.device.DeviceException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The options of {@code -netdev user}, checked as QEMU's net/slirp.c checks them and with its defaults: the guest's
 * network 10.0.2.0/24, the host (gateway) 10.0.2.2, DHCP from 10.0.2.15, DNS at 10.0.2.3; IPv6 on fec0::/64.
 * Addresses are IPv4 ints in host order and IPv6 byte arrays.
 */
record UserConfig(boolean restrict, boolean ipv4, int network, int mask, int host, int dhcpStart, int dns,
        boolean ipv6, byte[] ipv6Prefix, int ipv6PrefixLength, byte[] ipv6Host, byte[] ipv6Dns, String hostname,
        String domainname, List<String> dnssearch, List<HostForward> forwards) {

    /** Every option the type takes; the refused ones are here so that they get their own message. */
    static final Set<String> OPTIONS = Set.of("net", "host", "dhcpstart", "dns", "hostname", "domainname",
            "dnssearch", "restrict", "hostfwd", "ipv4", "ipv6", "ipv6-net", "ipv6-prefix", "ipv6-prefixlen",
            "ipv6-host", "ipv6-dns", "tftp", "bootfile", "tftp-server-name", "smb", "smbserver", "guestfwd");
    static final List<String> REFUSED = List.of("tftp", "bootfile", "tftp-server-name", "smb", "smbserver",
            "guestfwd");
    /** What joins a repeated option's values, as io.modvm.core.options.OptionList joins them. */
    static final String REPEAT_SEPARATOR = "\u0000";

    private static final int DEFAULT_NETWORK = 0x0a000200;
    private static final int DEFAULT_MASK = 0xffffff00;

    /**
     * @param type how messages name the backend ({@code user u0})
     * @throws DeviceException with one line naming the option, what was wrong and what to give
     */
    static UserConfig parse(String type, BackendOptions options) throws DeviceException {
        for (String refused : REFUSED) {
            if (options.has(refused)) {
                throw new DeviceException(type + ": option '" + refused + "' is not supported by modvm's user-mode "
                        + "network; leave it out (hostfwd= forwards host ports to the guest)");
            }
        }
        boolean restrict = options.flag("restrict", false);
        boolean ipv4 = options.flag("ipv4", true);
        boolean ipv6 = options.flag("ipv6", true);
        if (!ipv4 && (options.has("net") || options.has("host") || options.has("dns"))) {
            throw new DeviceException(type + ": IPv4 disabled but net/host/dns provided; leave them out or give "
                    + "ipv4=on");
        }
        if (!ipv6 && (options.has("ipv6-net") || options.has("ipv6-prefix") || options.has("ipv6-host")
                || options.has("ipv6-dns"))) {
            throw new DeviceException(type + ": IPv6 disabled but prefix/host6/dns6 provided; leave them out or "
                    + "give ipv6=on");
        }
        if (!ipv4 && !ipv6) {
            throw new DeviceException(type + ": IPv4 and IPv6 disabled; give ipv4=on or ipv6=on");
        }
        int network = DEFAULT_NETWORK;
        int mask = DEFAULT_MASK;
        String net = options.get("net");
        if (net != null) {
            int slash = net.indexOf('/');
            Integer address = Ipv4.parse(slash < 0 ? net : net.substring(0, slash));
            if (address == null) {
                throw new DeviceException(type + ": net '" + net + "' is not an IPv4 network; give "
                        + "net=ADDR[/PREFIXLEN or /MASK], e.g. net=10.0.2.0/24");
            }
            mask = slash < 0 ? Ipv4.classfulMask(address) : netmask(type, net, net.substring(slash + 1));
            network = address & mask;
        }
        int host = addressIn(type, options, "host", network | (0x0202 & ~mask), network, mask);
        int dns = address(type, options, "dns", network | (0x0203 & ~mask));
        if (restrict && (dns & mask) != network) {
            throw new DeviceException(type + ": dns " + Ipv4.format(dns) + " is outside net " + Ipv4.format(network)
                    + " and restrict=on keeps the guest inside it; give a dns= in the network");
        }
        if (dns == host) {
            throw new DeviceException(type + ": dns and host are both " + Ipv4.format(dns) + "; they must differ");
        }
        int dhcp = addressIn(type, options, "dhcpstart", network | (0x020f & ~mask), network, mask);
        if (dhcp == host || dhcp == dns) {
            throw new DeviceException(type + ": dhcpstart " + Ipv4.format(dhcp) + " must differ from host "
                    + Ipv4.format(host) + " and dns " + Ipv4.format(dns));
        }
        Ipv6Config v6 = Ipv6Config.parse(type, options, restrict);
        String hostname = text(type, options, "hostname", true);
        String domainname = text(type, options, "domainname", false);
        List<String> dnssearch = list(options, "dnssearch");
        for (String domain : dnssearch) {
            if (domain.isEmpty() || domain.length() > 255) {
                throw new DeviceException(type + ": dnssearch '" + domain + "' is not a domain name; give e.g. "
                        + "dnssearch=example.com (once for each domain)");
            }
        }
        List<HostForward> forwards = new ArrayList<>();
        for (String rule : list(options, "hostfwd")) {
            try {
                forwards.add(HostForward.parse(rule));
            } catch (DeviceException e) {
                throw new DeviceException(type + ": " + e.getMessage(), e);
            }
        }
        return new UserConfig(restrict, ipv4, network, mask, host, dhcp, dns, ipv6, v6.prefix(), v6.length(),
                v6.host(), v6.dns(), hostname, domainname, dnssearch, forwards);
    }

    /** {@code info network}'s line for this backend, as QEMU 7.2 writes it. */
    String describe() {
        return "net=" + Ipv4.format(network) + ",restrict=" + (restrict ? "on" : "off");
    }

    /** The address a forward sends to: its own, or the first DHCP address. */
    int guestAddress(HostForward forward) {
        return forward.guestAddress() == 0 ? dhcpStart : forward.guestAddress();
    }

    private static int netmask(String type, String net, String text) throws DeviceException {
        Integer dotted = Ipv4.parse(text);
        if (dotted != null && Ipv4.isMask(dotted)) {
            return dotted;
        }
        if (dotted == null && !text.isEmpty() && text.length() <= 2 && text.chars().allMatch(Character::isDigit)) {
            int length = Integer.parseInt(text);
            if (length >= 4 && length <= 32) {
                return Ipv4.mask(length);
            }
        }
        throw new DeviceException(type + ": net '" + net + "' has a bad netmask; give a prefix length from 4 to 32 "
                + "or a dotted mask, e.g. net=10.0.2.0/24 or net=10.0.2.0/255.255.255.0");
    }

    private static int address(String type, BackendOptions options, String name, int otherwise)
            throws DeviceException {
        String text = options.get(name);
        if (text == null) {
            return otherwise;
        }
        Integer address = Ipv4.parse(text);
        if (address == null) {
            throw new DeviceException(type + ": " + name + " '" + text + "' is not an IPv4 address; give e.g. "
                    + name + "=" + Ipv4.format(otherwise));
        }
        return address;
    }

    private static int addressIn(String type, BackendOptions options, String name, int otherwise, int network,
            int mask) throws DeviceException {
        int address = address(type, options, name, otherwise);
        if ((address & mask) != network) {
            throw new DeviceException(type + ": " + name + " " + Ipv4.format(address) + " is outside net "
                    + Ipv4.format(network) + "/" + Integer.bitCount(mask) + "; give an address inside it, or "
                    + "another net=");
        }
        return address;
    }

    private static String text(String type, BackendOptions options, String name, boolean mayBeEmpty)
            throws DeviceException {
        String text = options.get(name);
        if (text == null) {
            return null;
        }
        if (!mayBeEmpty && text.isEmpty()) {
            throw new DeviceException(type + ": '" + name + "' cannot be empty; give a name or leave it out");
        }
        if (text.length() > 255 || text.contains(REPEAT_SEPARATOR)) {
            throw new DeviceException(type + ": '" + name + "' must be one name of at most 255 bytes");
        }
        return text;
    }

    private static List<String> list(BackendOptions options, String name) {
        String text = options.get(name);
        return text == null ? List.of() : List.of(text.split(REPEAT_SEPARATOR, -1));
    }

    /** The IPv6 half of the options. */
    private record Ipv6Config(byte[] prefix, int length, byte[] host, byte[] dns) {
        static Ipv6Config parse(String type, BackendOptions options, boolean restrict) throws DeviceException {
            String net = options.get("ipv6-net");
            String prefixText = options.get("ipv6-prefix");
            String lengthText = options.get("ipv6-prefixlen");
            if (net != null && (prefixText != null || lengthText != null)) {
                throw new DeviceException(type + ": give ipv6-net=PREFIX/LEN, or the older ipv6-prefix= and "
                        + "ipv6-prefixlen=, not both");
            }
            if (net != null) {
                int slash = net.indexOf('/');
                prefixText = slash < 0 ? net : net.substring(0, slash);
                lengthText = slash < 0 ? null : net.substring(slash + 1);
            }
            byte[] prefix = Ipv6.parse(prefixText == null ? "fec0::" : prefixText);
            if (prefix == null) {
                throw new DeviceException(type + ": IPv6 prefix '" + prefixText + "' is not an IPv6 address; give "
                        + "e.g. ipv6-net=fec0::/64");
            }
            int length = 64;
            if (lengthText != null) {
                length = lengthText.isEmpty() || lengthText.length() > 3
                        || !lengthText.chars().allMatch(Character::isDigit) ? -1 : Integer.parseInt(lengthText);
                if (length < 0 || length > 126) {
                    throw new DeviceException(type + ": IPv6 prefix length '" + lengthText + "' is not from 0 to "
                            + "126; give e.g. ipv6-net=fec0::/64");
                }
            }
            byte[] host = v6Address(type, options, "ipv6-host", Ipv6.withLast(prefix, 2));
            if (!Ipv6.sameNetwork(prefix, host, length)) {
                throw new DeviceException(type + ": ipv6-host is outside the IPv6 prefix; give an address inside "
                        + "it");
            }
            byte[] dns = v6Address(type, options, "ipv6-dns", Ipv6.withLast(prefix, 3));
            if (restrict && !Ipv6.sameNetwork(prefix, dns, length)) {
                throw new DeviceException(type + ": ipv6-dns is outside the IPv6 prefix and restrict=on keeps the "
                        + "guest inside it; give an address inside it");
            }
            return new Ipv6Config(prefix, length, host, dns);
        }

        private static byte[] v6Address(String type, BackendOptions options, String name, byte[] otherwise)
                throws DeviceException {
            String text = options.get(name);
            if (text == null) {
                return otherwise;
            }
            byte[] address = Ipv6.parse(text);
            if (address == null) {
                throw new DeviceException(type + ": " + name + " '" + text + "' is not an IPv6 address; give e.g. "
                        + name + "=fec0::" + (name.equals("ipv6-host") ? "2" : "3"));
            }
            return address;
        }
    }
}
