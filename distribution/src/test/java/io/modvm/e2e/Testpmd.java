package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * DPDK's testpmd as a vhost-user back-end in a test's namespace: its vhost PMD listens on a socket, and it forwards
 * between the guest and a tap of its own (net_tap). Skips the test where testpmd is not installed.
 */
final class Testpmd {
    private Testpmd() {
    }

    /**
     * Starts testpmd with {@code queues} queue pairs on each port and its tap {@code tap}, its runtime files under
     * /var/run/dpdk/{@code prefix}; returns once the socket and the tap exist.
     */
    static NetNamespace.Peer start(NetNamespace ns, Path socket, int queues, String tap, String prefix)
            throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/dpdk-testpmd")),
                "dpdk-testpmd is not installed (Debian's dpdk-dev; tools/install-deps.sh installs it)");
        NetNamespace.Peer testpmd = ns.start("dpdk-testpmd", "--no-huge", "-m", "512", "--no-pci",
                "--file-prefix", prefix, "--log-level=lib.vhost.config:debug", "--vdev",
                "net_vhost0,iface=" + socket + ",queues=" + queues, "--vdev", "net_tap0,iface=" + tap, "--",
                "--forward-mode=io", "--auto-start", "--total-num-mbufs", "16384", "--rxq=" + queues,
                "--txq=" + queues);
        long end = System.nanoTime() + 60_000_000_000L;
        while (!(Files.exists(socket) && ns.tryRun("ip", "link", "show", tap).status() == 0)) {
            assertTrue(System.nanoTime() < end, "testpmd did not start:\n" + testpmd.output());
            Thread.sleep(200);
        }
        return testpmd;
    }

    /** Removes the runtime files testpmd leaves under /var/run/dpdk/{@code prefix}. */
    static void removeRuntimeFiles(String prefix) throws IOException {
        Path runtime = Path.of("/var/run/dpdk", prefix);
        if (Files.isDirectory(runtime)) {
            try (Stream<Path> files = Files.walk(runtime)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }
}
