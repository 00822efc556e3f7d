package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code -netdev user}'s bad input through {@code bin/modvm}: exit status 1 and one line on stderr. */
class UserNetBadInputIT {
    /** Bad options end modvm before any guest runs, with one line in QEMU's words and what to write instead. */
    @Test
    @Timeout(300)
    void badUserOptionsEndModvmWithOneLine() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = busy.getLocalPort();
            Map<String, String> cases = Map.of(
                    "user,id=u0,hostfwd=tcp:2222-22", "user u0: Invalid host forwarding rule 'tcp:2222-22' (Missing : "
                            + "separator); write it as [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport",
                    "user,id=u0,net=10.0.2", "user u0: net '10.0.2' is not an IPv4 network; give "
                            + "net=ADDR[/PREFIXLEN or /MASK]",
                    "user,id=u0,tftp=/srv", "user u0: option 'tftp' is not supported",
                    "user,id=u0,hostfwd=tcp:127.0.0.1:" + port + "-:22", "user u0: Could not set up host "
                            + "forwarding rule 'tcp:127.0.0.1:" + port + "-:22': host tcp port " + port
                            + " on 127.0.0.1 is in use");
            for (Map.Entry<String, String> c : cases.entrySet()) {
                ModvmProcess p = ModvmProcess.runToEnd(Duration.ofMinutes(2), "-kernel",
                        Guests.build("hello").toString(), "-netdev", c.getKey(), "-device", "virtio-net-pci,netdev=u0");
                String err = p.stderr().strip();
                assertEquals(1, p.exitValue(), err);
                assertEquals(1, err.lines().count(), "one line:\n" + err);
                assertTrue(err.startsWith("modvm: ") && err.contains(c.getValue()), c.getValue() + "\n" + err);
            }
        }
        ModvmProcess help = ModvmProcess.runToEnd(Duration.ofMinutes(2), "-netdev", "help");
        assertTrue(help.stdout().lines().anyMatch("user"::equals), help.stdout());
    }
}
