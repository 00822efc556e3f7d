package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user-mode network ({@code -netdev user}, libslirp) under the real Linux kernel, judged from what the kernel
 * prints and answers: with {@code ip=dhcp} it takes its address from libslirp's DHCP server, and a host connection
 * to a forwarded port reaches its TCP stack, which resets it (nothing listens: there is no user space on a PVM
 * host). Only loopback is used on the host side.
 */
class LinuxUserNetIT {
    private static final Duration BOOT = Duration.ofMinutes(10);

    private static ModvmProcess boot(String... nic) throws Exception {
        List<String> args = new ArrayList<>(List.of("-m", "256", "-no-reboot",
                "-initrd", LinuxGuest.file("initramfs-pause.cpio").toString(), "-append", "console=ttyS0 ip=dhcp"));
        args.addAll(List.of(nic));
        return ModvmProcess.start(Map.of(), List.of(), args.toArray(String[]::new));
    }

    @Test
    @Timeout(900)
    void theKernelTakesItsAddressFromDhcpAndResetsAForwardedConnection(@TempDir Path dir) throws Exception {
        int toGuest = freePort();
        int toNobody = freePort();
        Path qmp = dir.resolve("qmp.sock");
        try (ModvmProcess p = boot("-netdev", "user,id=u0,hostfwd=tcp:127.0.0.1:" + toGuest + "-:7,"
                        + "hostfwd=tcp:127.0.0.1:" + toNobody + "-10.0.2.99:7",
                "-device", "virtio-net-pci,netdev=u0,mac=52:54:00:12:34:56",
                "-qmp", "unix:" + qmp + ",server,nowait")) {
            p.awaitOutput("Run /init as init process", BOOT);
            String log = p.stdout();
            assertTrue(log.contains("IP-Config: Got DHCP answer from 10.0.2.2, my address is 10.0.2.15"), log);
            assertTrue(log.contains("device=eth0, hwaddr=52:54:00:12:34:56, ipaddr=10.0.2.15, mask=255.255.255.0, "
                    + "gw=10.0.2.2"), log);
            assertTrue(log.contains("nameserver0=10.0.2.3"), log);

            // libslirp takes the host's connection at once and sends the guest a SYN for port 7; the kernel, with
            // nothing listening there, answers with a reset, and libslirp closes the host's end.
            try (Socket client = connect(toGuest)) {
                assertEquals(-1, readOrReset(client, Duration.ofSeconds(60)), "the guest kernel's reset ended it");
            }
            // The control: a forward to an address no guest has stays open, unanswered.
            try (Socket client = connect(toNobody)) {
                assertThrows(SocketTimeoutException.class, () -> readOrReset(client, Duration.ofSeconds(3)),
                        "no guest answers 10.0.2.99, so nothing ends the connection");
            }

            try (QmpTestClient c = QmpTestClient.connect(qmp, p, Duration.ofSeconds(30))) {
                c.negotiate();
                String info = (String) c.returned("human-monitor-command", Map.of("command-line", "info network"));
                assertTrue(info.contains(" \\ u0: index=0,type=user,net=10.0.2.0,restrict=off,datapath=userspace"),
                        info);
                // QMP's netdev_add takes hostfwd as QAPI's list of strings; HMP's takes the key repeated.
                int qmpPort = freePort();
                c.returned("netdev_add", Map.of("type", "user", "id", "u1", "restrict", "on",
                        "hostfwd", List.of(Map.of("str", "tcp:127.0.0.1:" + qmpPort + "-:7"))));
                int hmpFirst = freePort();
                int hmpSecond = freePort();
                Object hmp = c.returned("human-monitor-command", Map.of("command-line", "netdev_add user,id=u2,"
                        + "hostfwd=tcp:127.0.0.1:" + hmpFirst + "-:7,hostfwd=tcp:127.0.0.1:" + hmpSecond + "-:7"));
                assertEquals("", hmp);
                for (int port : new int[] {qmpPort, hmpFirst, hmpSecond}) {
                    connect(port).close();
                }
                info = (String) c.returned("human-monitor-command", Map.of("command-line", "info network"));
                assertTrue(info.contains("u1: index=1,type=user,net=10.0.2.0,restrict=on"), info);
                c.returned("netdev_del", Map.of("id", "u1"));
                assertThrows(ConnectException.class, () -> connect(qmpPort).close(),
                        "netdev_del closed the forward's listening socket");
                Map<String, Object> busy = c.execute("netdev_add", Map.of("type", "user", "id", "u3",
                        "hostfwd", List.of(Map.of("str", "tcp:127.0.0.1:" + hmpFirst + "-:7"))));
                assertTrue(busy.toString().contains("Could not set up host forwarding rule 'tcp:127.0.0.1:" + hmpFirst
                        + "-:7': host tcp port " + hmpFirst + " on 127.0.0.1 is in use"), busy.toString());
            }
        }
    }

    @Test
    @Timeout(900)
    void nicUserWithItsOwnNetworkGivesTheKernelAnAddressThere() throws Exception {
        try (ModvmProcess p = boot("-nic", "user,model=virtio-net-pci,net=10.0.5.0/24,hostname=modvm-guest")) {
            p.awaitOutput("Run /init as init process", BOOT);
            String log = p.stdout();
            assertTrue(log.contains("IP-Config: Got DHCP answer from 10.0.5.2, my address is 10.0.5.15"), log);
            assertTrue(log.contains("ipaddr=10.0.5.15, mask=255.255.255.0, gw=10.0.5.2"), log);
            assertTrue(log.contains("host=modvm-guest"), "the DHCP hostname option reached the kernel:\n" + log);
            assertTrue(log.contains("nameserver0=10.0.5.3"), log);
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** -1 once the connection ends, by an orderly close or a reset; SocketTimeoutException if it does not. */
    private static int readOrReset(Socket s, Duration within) throws IOException {
        s.setSoTimeout((int) within.toMillis());
        InputStream in = s.getInputStream();
        try {
            return in.read();
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (SocketException e) {
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
