package io.modvm.net.user;

import static io.modvm.net.user.GuestFrames.ETH_ARP;
import static io.modvm.net.user.GuestFrames.ETH_IPV4;
import static io.modvm.net.user.GuestFrames.GUEST_MAC;
import static io.modvm.net.user.GuestFrames.PROTO_TCP;
import static io.modvm.net.user.GuestFrames.PROTO_UDP;
import static io.modvm.net.user.GuestFrames.TCP_ACK;
import static io.modvm.net.user.GuestFrames.TCP_RST;
import static io.modvm.net.user.GuestFrames.TCP_SYN;
import static io.modvm.net.user.GuestSide.GUEST;
import static io.modvm.net.user.GuestSide.HOST;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.DeviceException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The user-mode backend against the real libslirp: the guest's frames go in, libslirp's answers come out. All
 * traffic stays on loopback: libslirp answers ARP and DHCP itself, and the host ends of connections are 127.0.0.1.
 */
@Timeout(60)
class UserBackendTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final byte[] GATEWAY_MAC = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};

    private final UserFactory factory = new UserFactory();

    @Test
    void anArpRequestForTheGatewayGetsTheGatewaysAddress() throws Exception {
        try (GuestSide guest = new GuestSide(factory, Map.of())) {
            guest.send(GuestFrames.arpRequest(GUEST, HOST));
            ByteBuffer reply = guest.await("ARP reply", WAIT, f -> GuestFrames.etherType(f) == ETH_ARP);
            assertEquals(2, reply.getShort(14 + 6), "an ARP reply");
            assertArrayEquals(GATEWAY_MAC, GuestFrames.mac(reply, 14 + 8), "the gateway's MAC, 52:55 and its IP");
            assertEquals(HOST, reply.getInt(14 + 14), "sender IP 10.0.2.2");
            assertArrayEquals(GUEST_MAC, GuestFrames.mac(reply, 14 + 18), "to the asking guest");
            assertArrayEquals(GUEST_MAC, GuestFrames.mac(reply, 0), "sent to the guest's MAC");
        }
    }

    @Test
    void aDhcpDiscoverGetsAnOfferOfTheFirstAddressFromTheGateway() throws Exception {
        try (GuestSide guest = new GuestSide(factory, Map.of())) {
            guest.send(GuestFrames.dhcpDiscover(0x1234abcd));
            ByteBuffer offer = guest.await("DHCPOFFER", WAIT, UserBackendTest::isDhcpReply);
            assertEquals(0x1234abcd, GuestFrames.bootpXid(offer));
            assertEquals(2, GuestFrames.dhcpMessageType(offer), "DHCPOFFER");
            assertEquals(GUEST, GuestFrames.bootpYiaddr(offer), "10.0.2.15 offered");
            assertEquals(HOST, GuestFrames.ipSource(offer), "from 10.0.2.2");
            assertArrayEquals(new byte[] {10, 0, 2, 2}, GuestFrames.dhcpOption(offer, 54), "server id 10.0.2.2");
            assertArrayEquals(new byte[] {10, 0, 2, 2}, GuestFrames.dhcpOption(offer, 3), "router 10.0.2.2");
            assertArrayEquals(new byte[] {10, 0, 2, 3}, GuestFrames.dhcpOption(offer, 6), "DNS 10.0.2.3");
            assertArrayEquals(new byte[] {(byte) 255, (byte) 255, (byte) 255, 0}, GuestFrames.dhcpOption(offer, 1));
        }
    }

    @Test
    void theNetworkAndDhcpOptionsReachLibslirp() throws Exception {
        try (GuestSide guest = new GuestSide(factory, Map.of("net", "192.168.76.0/24", "dhcpstart", "192.168.76.9",
                "dns", "192.168.76.53", "hostname", "vm1", "domainname", "example.test"))) {
            guest.send(GuestFrames.dhcpDiscover(7));
            ByteBuffer offer = guest.await("DHCPOFFER", WAIT, UserBackendTest::isDhcpReply);
            assertEquals(0xc0a84c09, GuestFrames.bootpYiaddr(offer), "192.168.76.9 offered");
            assertEquals(0xc0a84c02, GuestFrames.ipSource(offer), "from 192.168.76.2, the host of that net");
            assertArrayEquals(new byte[] {(byte) 192, (byte) 168, 76, 53}, GuestFrames.dhcpOption(offer, 6));
            assertEquals("vm1", new String(GuestFrames.dhcpOption(offer, 12)), "the hostname option");
            assertEquals("example.test", new String(GuestFrames.dhcpOption(offer, 15)), "the domain name option");
            assertEquals("net=192.168.76.0,restrict=off", guest.backend.describe());
        }
    }

    @Test
    void twoStacksServeTheirOwnGuestsSideBySide() throws Exception {
        try (GuestSide first = new GuestSide(factory, Map.of());
                GuestSide second = new GuestSide(factory, Map.of("net", "10.0.5.0/24"))) {
            second.send(GuestFrames.dhcpDiscover(2));
            first.send(GuestFrames.dhcpDiscover(1));
            assertEquals(GUEST, GuestFrames.bootpYiaddr(first.await("first OFFER", WAIT,
                    UserBackendTest::isDhcpReply)));
            assertEquals(0x0a00050f, GuestFrames.bootpYiaddr(second.await("second OFFER", WAIT,
                    UserBackendTest::isDhcpReply)));
        }
    }

    @Test
    void aHostForwardTurnsAHostConnectionIntoASynToTheGuestAndTheGuestsResetClosesIt() throws Exception {
        int port = freePort();
        int other = freePort();
        try (GuestSide guest = new GuestSide(factory, Map.of("hostfwd", "tcp:127.0.0.1:" + port + "-:7"
                + UserConfig.REPEAT_SEPARATOR + "tcp:127.0.0.1:" + other + "-10.0.2.15:9"))) {
            guest.send(GuestFrames.arpRequest(GUEST, GUEST)); // so libslirp knows where 10.0.2.15 is
            try (Socket client = new Socket()) {
                client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
                ByteBuffer syn = guest.await("SYN to the guest's port 7", WAIT,
                        f -> isTcp(f) && GuestFrames.destinationPort(f) == 7);
                assertEquals(TCP_SYN, GuestFrames.tcpFlags(syn), "a SYN");
                assertEquals(GUEST, GuestFrames.ipDestination(syn), "to the first DHCP address");
                client.setSoTimeout(1000);
                assertThrows(SocketTimeoutException.class, () -> client.getInputStream().read(),
                        "until the guest answers, the host's connection stays open");
                // What the guest's kernel does for a closed port: a reset. libslirp then drops the host connection.
                guest.send(GuestFrames.tcp(GATEWAY_MAC, GUEST, 7, GuestFrames.ipSource(syn),
                        GuestFrames.sourcePort(syn), 0, GuestFrames.tcpSeq(syn) + 1, TCP_RST | TCP_ACK));
                client.setSoTimeout((int) WAIT.toMillis());
                assertEquals(-1, readOrReset(client.getInputStream()), "the host's connection ends");
            }
            try (Socket second = new Socket()) {
                second.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), other), 5000);
                guest.await("SYN to the guest's port 9 (the second rule)", WAIT,
                        f -> isTcp(f) && GuestFrames.destinationPort(f) == 9 && GuestFrames.tcpFlags(f) == TCP_SYN);
            }
        }
    }

    @Test
    void restrictOffLetsTheGuestReachTheHostThroughTheGateway() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                GuestSide guest = new GuestSide(factory, Map.of("restrict", "off"))) {
            server.setSoTimeout((int) WAIT.toMillis());
            guest.send(GuestFrames.arpRequest(GUEST, GUEST));
            guest.send(GuestFrames.tcp(GATEWAY_MAC, GUEST, 40000, HOST, server.getLocalPort(), 1000, 0, TCP_SYN));
            try (Socket accepted = server.accept()) {
                assertTrue(accepted.getInetAddress().isLoopbackAddress(), "libslirp connected from the host");
            }
            ByteBuffer synAck = guest.await("SYN-ACK from the gateway", WAIT,
                    f -> isTcp(f) && GuestFrames.sourcePort(f) == server.getLocalPort());
            assertEquals(TCP_SYN | TCP_ACK, GuestFrames.tcpFlags(synAck), "the poll loop saw the connect complete");
            assertEquals(1001, synAck.getInt(GuestFrames.l4(synAck) + 8), "acknowledging the guest's SYN");
        }
    }

    @Test
    void restrictOnKeepsTheGuestFromTheHostButNotFromItsForwards() throws Exception {
        int port = freePort();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                GuestSide guest = new GuestSide(factory, Map.of("restrict", "on",
                        "hostfwd", "tcp:127.0.0.1:" + port + "-:22"))) {
            assertEquals("net=10.0.2.0,restrict=on", guest.backend.describe());
            server.setSoTimeout(1500);
            guest.send(GuestFrames.arpRequest(GUEST, GUEST));
            guest.send(GuestFrames.tcp(GATEWAY_MAC, GUEST, 40001, HOST, server.getLocalPort(), 1000, 0, TCP_SYN));
            ByteBuffer reset = guest.await("reset from the gateway", WAIT,
                    f -> isTcp(f) && GuestFrames.sourcePort(f) == server.getLocalPort());
            assertTrue((GuestFrames.tcpFlags(reset) & TCP_RST) != 0, "refused with a reset");
            assertThrows(SocketTimeoutException.class, server::accept, "nothing reached the host");
            try (Socket client = new Socket()) {
                client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
                guest.await("the forward's SYN to port 22", WAIT,
                        f -> isTcp(f) && GuestFrames.destinationPort(f) == 22);
            }
        }
    }

    @Test
    void theWaitForAFrameEndsOnAFrameOrOnTheKick() throws Exception {
        try (GuestSide guest = new GuestSide(factory, Map.of("ipv6", "off"))) {
            long start = System.nanoTime();
            assertFalse(guest.queue.awaitReceivable(guest.kicks, 300), "nothing came");
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(250), "it waited");

            CompletableFuture<Boolean> kicked = CompletableFuture.supplyAsync(
                    () -> guest.queue.awaitReceivable(guest.kicks, 30_000));
            Thread.sleep(200);
            guest.kicks.signal();
            assertFalse(kicked.get(5, TimeUnit.SECONDS), "the kick ended the wait, with no frame");
            assertEquals(0, guest.kicks.await(0), "and was taken off the notifier");

            CompletableFuture<Boolean> framed = CompletableFuture.supplyAsync(
                    () -> guest.queue.awaitReceivable(guest.kicks, 30_000));
            Thread.sleep(200);
            guest.send(GuestFrames.arpRequest(GUEST, HOST));
            assertTrue(framed.get(5, TimeUnit.SECONDS), "the reply ended the wait");
        }
    }

    @Test
    void aFrameLongerThanTheBuffersIsDroppedAndItsLengthReturnedNegative() throws Exception {
        try (GuestSide guest = new GuestSide(factory, Map.of("ipv6", "off"))) {
            guest.send(GuestFrames.arpRequest(GUEST, HOST));
            assertTrue(guest.queue.awaitReceivable(guest.kicks, WAIT.toMillis()));
            ByteBuffer small = ByteBuffer.allocate(20);
            int n = guest.queue.receive(new ByteBuffer[] {small, ByteBuffer.allocate(10)});
            assertEquals(-64, n, "libslirp's ARP reply is 64 bytes, more than the 30 given");
            assertEquals(0, guest.queue.receive(new ByteBuffer[] {ByteBuffer.allocate(100)}), "it was dropped");
        }
    }

    @Test
    void closingFreesTheForwardedPortAndTheQueueRefusesPolitely() throws Exception {
        int port = freePort();
        GuestSide guest = new GuestSide(factory, Map.of("hostfwd", "tcp:127.0.0.1:" + port + "-:22"));
        guest.close();
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(port, again.getLocalPort(), "the listening socket is closed");
        }
        IOException e = assertThrows(IOException.class, () -> guest.send(GuestFrames.arpRequest(GUEST, HOST)));
        assertTrue(e.getMessage().contains("user u0 is closed"), e.getMessage());
        assertEquals(0, guest.queue.receive(new ByteBuffer[] {ByteBuffer.allocate(100)}));
        guest.backend.close(); // a second close does nothing
    }

    @Test
    void aForwardOfAPortInUseFailsInQemusWords() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String rule = "tcp:127.0.0.1:" + busy.getLocalPort() + "-:22";
            DeviceException e = assertThrows(DeviceException.class,
                    () -> new GuestSide(factory, Map.of("hostfwd", rule)));
            assertEquals("user u0: Could not set up host forwarding rule '" + rule + "': host tcp port "
                    + busy.getLocalPort() + " on 127.0.0.1 is in use; give a free hostport, or stop what listens on "
                    + "it", e.getMessage());
        }
    }

    @Test
    void aHostWithoutLibslirpIsToldWhatToInstall() {
        UserFactory without = new UserFactory(new SlirpRuntime("libslirp-absent-for-this-test.so.0"));
        DeviceException e = assertThrows(DeviceException.class,
                () -> without.open(GuestSide.context("u0"), Map.of()));
        assertEquals("-netdev user needs libslirp (libslirp-absent-for-this-test.so.0), which this host lacks: "
                + "apt-get install libslirp0", e.getMessage());
    }

    @Test
    void badOptionsFailBeforeLibslirpIsAsked() {
        UserFactory without = new UserFactory(new SlirpRuntime("libslirp-absent-for-this-test.so.0"));
        DeviceException e = assertThrows(DeviceException.class,
                () -> without.open(GuestSide.context("u0"), Map.of("hostfwd", "tcp::22")));
        assertTrue(e.getMessage().startsWith("user u0: Invalid host forwarding rule 'tcp::22'"), e.getMessage());
        e = assertThrows(DeviceException.class, () -> without.open(GuestSide.context("u0"), Map.of("vlan", "1")));
        assertTrue(e.getMessage().startsWith("user u0: unknown option 'vlan'; accepted: "), e.getMessage());
    }

    private static boolean isDhcpReply(ByteBuffer f) {
        return GuestFrames.etherType(f) == ETH_IPV4 && GuestFrames.ipProtocol(f) == PROTO_UDP
                && GuestFrames.sourcePort(f) == 67 && GuestFrames.destinationPort(f) == 68;
    }

    private static boolean isTcp(ByteBuffer f) {
        return GuestFrames.etherType(f) == ETH_IPV4 && GuestFrames.ipProtocol(f) == PROTO_TCP;
    }

    /** A port free on loopback now (bound and let go). */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** -1 for an orderly close or a reset: either way the connection ended. */
    private static int readOrReset(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (java.net.SocketException e) {
            return -1;
        }
    }
}
