package io.modvm.net.user;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.backend.BackendOptions;
import io.modvm.api.device.DeviceException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The options of {@code -netdev user}: QEMU's defaults, its derivations from {@code net=}, and one-line errors. */
class UserConfigTest {
    private static UserConfig parse(Map<String, String> options) throws DeviceException {
        return UserConfig.parse("user u0", new BackendOptions("user u0", options, UserConfig.OPTIONS));
    }

    private static String error(Map<String, String> options) {
        String message = assertThrows(DeviceException.class, () -> parse(options)).getMessage();
        assertFalse(message.contains("\n"), "one line: " + message);
        return message;
    }

    @Test
    void qemusDefaults() throws DeviceException {
        UserConfig c = parse(Map.of());
        assertEquals("10.0.2.0", Ipv4.format(c.network()));
        assertEquals("255.255.255.0", Ipv4.format(c.mask()));
        assertEquals("10.0.2.2", Ipv4.format(c.host()));
        assertEquals("10.0.2.15", Ipv4.format(c.dhcpStart()));
        assertEquals("10.0.2.3", Ipv4.format(c.dns()));
        assertFalse(c.restrict());
        assertTrue(c.ipv4());
        assertTrue(c.ipv6(), "QEMU turns IPv6 on by default");
        assertArrayEquals(Ipv6.parse("fec0::"), c.ipv6Prefix());
        assertEquals(64, c.ipv6PrefixLength());
        assertArrayEquals(Ipv6.parse("fec0::2"), c.ipv6Host());
        assertArrayEquals(Ipv6.parse("fec0::3"), c.ipv6Dns());
        assertNull(c.hostname());
        assertEquals(List.of(), c.dnssearch());
        assertEquals(List.of(), c.forwards());
        assertEquals("net=10.0.2.0,restrict=off", c.describe());
    }

    @Test
    void netDerivesHostDhcpAndDnsAsQemuDoes() throws DeviceException {
        UserConfig c = parse(Map.of("net", "192.168.76.0/24"));
        assertEquals("192.168.76.2", Ipv4.format(c.host()));
        assertEquals("192.168.76.15", Ipv4.format(c.dhcpStart()));
        assertEquals("192.168.76.3", Ipv4.format(c.dns()));
        assertEquals("net=192.168.76.0,restrict=off", c.describe());
        UserConfig masked = parse(Map.of("net", "10.1.2.3/255.255.0.0", "restrict", "on"));
        assertEquals("10.1.0.0", Ipv4.format(masked.network()), "host bits cleared");
        assertEquals("10.1.2.2", Ipv4.format(masked.host()));
        assertEquals("net=10.1.0.0,restrict=on", masked.describe());
        assertEquals("255.0.0.0", Ipv4.format(parse(Map.of("net", "10.0.0.0")).mask()), "class A without a mask");
        assertEquals("255.255.0.0", Ipv4.format(parse(Map.of("net", "192.168.5.0")).mask()), "192.168/16");
        assertEquals("255.240.0.0", Ipv4.format(parse(Map.of("net", "172.20.0.0")).mask()), "172.16/12");
        UserConfig explicit = parse(Map.of("host", "10.0.2.1", "dhcpstart", "10.0.2.100", "dns", "10.0.2.53",
                "hostname", "vm", "domainname", "example.test", "dnssearch", "a.test\u0000b.test"));
        assertEquals("10.0.2.1", Ipv4.format(explicit.host()));
        assertEquals("10.0.2.100", Ipv4.format(explicit.dhcpStart()));
        assertEquals("10.0.2.53", Ipv4.format(explicit.dns()));
        assertEquals(List.of("a.test", "b.test"), explicit.dnssearch(), "a repeated dnssearch is a list");
    }

    @Test
    void hostForwardsAreAList() throws DeviceException {
        UserConfig c = parse(Map.of("hostfwd", "tcp::2222-:22\u0000udp:127.0.0.1:5353-10.0.2.20:53\u0000::0-:80"));
        assertEquals(List.of(
                new HostForward(false, 0, 2222, 0, 22, "tcp::2222-:22"),
                new HostForward(true, 0x7f000001, 5353, 0x0a000214, 53, "udp:127.0.0.1:5353-10.0.2.20:53"),
                new HostForward(false, 0, 0, 0, 80, "::0-:80")), c.forwards());
        assertEquals(0x0a00020f, c.guestAddress(c.forwards().get(0)), "no guest address: the first DHCP one");
        assertEquals(0x0a000214, c.guestAddress(c.forwards().get(1)));
    }

    @Test
    void malformedForwardsSayWhatIsWrongAndTheForm() {
        String form = "; write it as [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport, e.g. hostfwd=tcp::2222-:22";
        assertEquals("user u0: Invalid host forwarding rule 'tcp2222-22' (No : separators)" + form,
                error(Map.of("hostfwd", "tcp2222-22")));
        assertEquals("user u0: Invalid host forwarding rule 'sctp::1-:2' (Bad protocol name)" + form,
                error(Map.of("hostfwd", "sctp::1-:2")));
        assertEquals("user u0: Invalid host forwarding rule 'tcp:2222-22' (Missing : separator)" + form,
                error(Map.of("hostfwd", "tcp:2222-22")));
        assertEquals("user u0: Invalid host forwarding rule 'tcp:2222-:22' (Bad host address)" + form,
                error(Map.of("hostfwd", "tcp:2222-:22")), "QEMU's reading: '2222-' is where the host address is");
        assertEquals("user u0: Invalid host forwarding rule 'tcp:localhost:1-:2' (Bad host address)" + form,
                error(Map.of("hostfwd", "tcp:localhost:1-:2")));
        assertEquals("user u0: Invalid host forwarding rule 'tcp::2222:22' (Bad host port separator)" + form,
                error(Map.of("hostfwd", "tcp::2222:22")));
        assertEquals("user u0: Invalid host forwarding rule 'tcp::70000-:22' (Bad host port)" + form,
                error(Map.of("hostfwd", "tcp::70000-:22")));
        assertEquals("user u0: Invalid host forwarding rule 'tcp::x-:22' (Bad host port)" + form,
                error(Map.of("hostfwd", "tcp::x-:22")));
        assertEquals("user u0: Invalid host forwarding rule 'tcp::1-22' (Missing guest address)" + form,
                error(Map.of("hostfwd", "tcp::1-22")));
        assertEquals("user u0: Invalid host forwarding rule 'tcp::1-10.0.2:22' (Bad guest address)" + form,
                error(Map.of("hostfwd", "tcp::1-10.0.2:22")));
        assertEquals("user u0: Invalid host forwarding rule 'tcp::1-:0' (Bad guest port)" + form,
                error(Map.of("hostfwd", "tcp::1-:0")));
        assertEquals("user u0: Invalid host forwarding rule 'tcp::1-:' (Bad guest port)" + form,
                error(Map.of("hostfwd", "tcp::1-:")));
        assertEquals("user u0: Invalid host forwarding rule 'unix:/tmp/s-:22' (unix: forwards are not supported)"
                + form, error(Map.of("hostfwd", "unix:/tmp/s-:22")));
        assertTrue(error(Map.of("hostfwd", "tcp::1-:2\u0000bad")).contains("rule 'bad'"),
                "each of several rules is checked");
    }

    @Test
    void badAddressesAndNetworksNameTheOptionAndAFix() {
        assertEquals("user u0: net '10.0.2' is not an IPv4 network; give net=ADDR[/PREFIXLEN or /MASK], e.g. "
                + "net=10.0.2.0/24", error(Map.of("net", "10.0.2")));
        assertEquals("user u0: net '10.0.2.0/33' has a bad netmask; give a prefix length from 4 to 32 or a dotted "
                + "mask, e.g. net=10.0.2.0/24 or net=10.0.2.0/255.255.255.0", error(Map.of("net", "10.0.2.0/33")));
        assertTrue(error(Map.of("net", "10.0.2.0/255.0.255.0")).contains("bad netmask"), "not a run of ones");
        assertEquals("user u0: host '10.0.2.256' is not an IPv4 address; give e.g. host=10.0.2.2",
                error(Map.of("host", "10.0.2.256")));
        assertEquals("user u0: host 10.0.3.2 is outside net 10.0.2.0/24; give an address inside it, or another net=",
                error(Map.of("host", "10.0.3.2")));
        assertEquals("user u0: dhcpstart 10.9.2.15 is outside net 10.0.2.0/24; give an address inside it, or another "
                + "net=", error(Map.of("dhcpstart", "10.9.2.15")));
        assertEquals("user u0: dns and host are both 10.0.2.2; they must differ",
                error(Map.of("dns", "10.0.2.2")));
        assertEquals("user u0: dhcpstart 10.0.2.3 must differ from host 10.0.2.2 and dns 10.0.2.3",
                error(Map.of("dhcpstart", "10.0.2.3")));
        assertTrue(error(Map.of("dns", "8.8.8.8", "restrict", "on")).contains("restrict=on keeps the guest inside"));
        assertEquals("user u0: IPv4 disabled but net/host/dns provided; leave them out or give ipv4=on",
                error(Map.of("ipv4", "off", "net", "10.0.0.0/8")));
        assertEquals("user u0: IPv4 and IPv6 disabled; give ipv4=on or ipv6=on",
                error(Map.of("ipv4", "off", "ipv6", "off")));
        assertTrue(error(Map.of("ipv6-net", "fec0::/200")).contains("IPv6 prefix length '200' is not from 0 to 126"));
        assertTrue(error(Map.of("ipv6-host", "example")).contains("ipv6-host 'example' is not an IPv6 address"));
        assertTrue(error(Map.of("ipv6-host", "fd00::2")).contains("ipv6-host is outside the IPv6 prefix"));
        assertTrue(error(Map.of("ipv6", "off", "ipv6-dns", "fec0::3")).startsWith("user u0: IPv6 disabled"));
        assertEquals("user u0: option 'restrict' is a switch, not 'maybe'; use restrict=on or restrict=off",
                error(Map.of("restrict", "maybe")));
        assertEquals("user u0: 'domainname' cannot be empty; give a name or leave it out",
                error(Map.of("domainname", "")));
    }

    @Test
    void ipv6OptionsReachTheConfig() throws DeviceException {
        UserConfig c = parse(Map.of("ipv6-net", "fd00:1::/48", "ipv6-dns", "fd00:1::53"));
        assertArrayEquals(Ipv6.parse("fd00:1::"), c.ipv6Prefix());
        assertEquals(48, c.ipv6PrefixLength());
        assertArrayEquals(Ipv6.parse("fd00:1::2"), c.ipv6Host());
        assertArrayEquals(Ipv6.parse("fd00:1::53"), c.ipv6Dns());
        UserConfig old = parse(Map.of("ipv6-prefix", "fd00:2::", "ipv6-prefixlen", "56", "ipv6", "on"));
        assertEquals(56, old.ipv6PrefixLength());
        assertFalse(parse(Map.of("ipv6", "off")).ipv6());
    }

    @Test
    void tftpSmbAndGuestForwardsAreRefusedByName() {
        for (String option : List.of("tftp", "bootfile", "tftp-server-name", "smb", "smbserver", "guestfwd")) {
            assertEquals("user u0: option '" + option + "' is not supported by modvm's user-mode network; leave it "
                    + "out (hostfwd= forwards host ports to the guest)", error(Map.of(option, "x")));
        }
    }
}
