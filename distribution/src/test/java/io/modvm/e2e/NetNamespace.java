package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A network namespace a test makes and removes, with its own taps: modvm runs inside it ({@link #prefix()}), and so
 * do the host-side peers (busybox's ping and nc), so no frame a test makes ever leaves the namespace. Removing the
 * namespace removes its taps; the peers it started are killed by PID first.
 */
final class NetNamespace implements AutoCloseable {
    private static final AtomicInteger COUNT = new AtomicInteger();

    private final String name;
    private final List<Process> peers = new ArrayList<>();

    private NetNamespace(String name) {
        this.name = name;
    }

    /**
     * A new namespace with its loopback up; skips the test (saying why) where namespaces cannot be made: not root,
     * or no {@code ip}/{@code busybox}.
     */
    static NetNamespace create() throws IOException, InterruptedException {
        skipUnless("root".equals(System.getProperty("user.name")),
                "network namespace tests need root (ip netns add); running as " + System.getProperty("user.name"));
        skipUnless(exec(List.of("busybox", "true")).status == 0,
                "busybox (ping, nc) is missing: tools/install-deps.sh installs it");
        String name = "modvm-it-" + ProcessHandle.current().pid() + "-" + COUNT.incrementAndGet();
        Result r = exec(List.of("ip", "netns", "add", name));
        skipUnless(r.status == 0, "ip netns add failed here, so no network namespace test can run: " + r.output);
        NetNamespace ns = new NetNamespace(name);
        try {
            ns.run("ip", "link", "set", "lo", "up");
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** Skips the test, printing why (a skip's reason otherwise shows only in the reports), unless {@code holds}. */
    private static void skipUnless(boolean holds, String reason) {
        if (!holds) {
            System.out.println("skipped: " + reason);
        }
        assumeTrue(holds, reason);
    }

    String name() {
        return name;
    }

    /** What makes a command run inside the namespace. */
    List<String> prefix() {
        return List.of("ip", "netns", "exec", name);
    }

    /** A tap {@code tap} with address {@code cidr} (10.0.2.1/24), up, that modvm opens with ifname=. */
    void addTap(String tap, String cidr, boolean multiQueue) throws IOException, InterruptedException {
        List<String> add = new ArrayList<>(List.of("ip", "tuntap", "add", "dev", tap, "mode", "tap"));
        if (multiQueue) {
            add.add("multi_queue");
        }
        run(add.toArray(String[]::new));
        run("ip", "addr", "add", cidr, "dev", tap);
        run("ip", "link", "set", tap, "up");
    }

    /**
     * A bridge {@code bridge} with address {@code cidr} and the taps {@code taps} on it, all up, for a guest that moves
     * between two modvm processes, each on its own tap. The bridge learns nothing ({@code ageing_time 0}): it
     * floods every frame to every tap, so frames reach the guest on whichever tap it is served from now, without
     * waiting for the bridge to unlearn the old one.
     */
    void addBridgedTaps(String bridge, String cidr, String... taps) throws IOException, InterruptedException {
        run("ip", "link", "add", bridge, "type", "bridge", "ageing_time", "0");
        run("ip", "addr", "add", cidr, "dev", bridge);
        run("ip", "link", "set", bridge, "up");
        for (String tap : taps) {
            run("ip", "tuntap", "add", "dev", tap, "mode", "tap");
            run("ip", "link", "set", tap, "master", bridge);
            run("ip", "link", "set", tap, "up");
        }
    }

    /** A counter of {@code link} from /sys/class/net (rx_packets: frames the link's owner sent into the tap). */
    long linkCounter(String link, String counter) throws IOException, InterruptedException {
        return Long.parseLong(run("cat", "/sys/class/net/" + link + "/statistics/" + counter).strip());
    }

    /**
     * Starts tcpdump on {@code link}, printing each frame that matches {@code filter} with its link-level header
     * (one line each) until {@code count} have come, and returns once it listens; skips the test (saying why) where
     * tcpdump is missing.
     */
    Peer capture(String link, int count, String... filter) throws IOException, InterruptedException {
        skipUnless(exec(List.of("tcpdump", "--version")).status == 0,
                "tcpdump is missing: tools/install-deps.sh installs it");
        List<String> command = new ArrayList<>(List.of("tcpdump", "-i", link, "-nn", "-e", "-l", "-c",
                Integer.toString(count)));
        command.addAll(List.of(filter));
        Peer p = start(command.toArray(String[]::new));
        assertTrue(p.awaitOutput("listening on " + link, 30), "tcpdump did not start: " + p.output());
        return p;
    }

    /**
     * Waits until a TCP socket in the namespace listens on {@code port} (a peer such as {@code nc -l} started just
     * before), read from the namespace's /proc/net/tcp and tcp6 (busybox nc
     * listens on both families in one IPv6 socket); fails the test after 30 s.
     */
    void awaitTcpListener(int port) throws IOException, InterruptedException {
        Pattern listening = Pattern.compile(
                String.format("(?m)^\\s*\\d+: [0-9A-F]+:%04X [0-9A-F]+:0000 0A ", port));
        long end = System.nanoTime() + 30_000_000_000L;
        String table = "";
        while (System.nanoTime() < end) {
            table = run("cat", "/proc/net/tcp", "/proc/net/tcp6");
            if (listening.matcher(table).find()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("nothing listens on TCP port " + port + " in " + name + " after 30 s:\n" + table);
    }

    /** Runs a command in the namespace to its end; fails the test if it fails. Returns its output. */
    String run(String... command) throws IOException, InterruptedException {
        Result r = exec(inside(command));
        assertEquals(0, r.status, String.join(" ", command) + " in " + name + ": " + r.output);
        return r.output;
    }

    /** Runs a command in the namespace to its end and returns its status and output, whatever they are. */
    Result tryRun(String... command) throws IOException, InterruptedException {
        return exec(inside(command));
    }

    /** Starts a peer in the namespace (a listener); its output is read on demand, and close() kills it. */
    Peer start(String... command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(inside(command)).redirectErrorStream(true);
        Process p = pb.start();
        peers.add(p);
        return new Peer(p);
    }

    /** Starts {@code main} of this test module's class {@code mainClass} in the namespace, on this test's JVM. */
    Peer startJava(Class<?> mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", Path.of("target/test-classes").toAbsolutePath().toString(), mainClass.getName()));
        command.addAll(List.of(args));
        return start(command.toArray(String[]::new));
    }

    /**
     * Starts {@code main} of {@code mainClass} in the namespace with this test JVM's whole class path, for a peer
     * that uses the project's classes and libraries (a vhost-user back-end on virtio-core's rings and JNA).
     */
    Peer startJavaOnTestClasspath(Class<?> mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(args));
        return start(command.toArray(String[]::new));
    }

    private List<String> inside(String... command) {
        List<String> all = new ArrayList<>(prefix());
        all.addAll(List.of(command));
        return all;
    }

    private static Result exec(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, String.join(" ", command) + " did not end within 60 s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8).strip());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (Process p : peers) {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
        exec(List.of("ip", "netns", "del", name));
    }

    record Result(int status, String output) {
    }

    /** A process in the namespace whose output is collected as it comes. */
    static final class Peer {
        private final Process process;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final Thread pump;

        Peer(Process process) {
            this.process = process;
            this.pump = ModvmProcess.pump(process.getInputStream(), out);
        }

        String output() {
            synchronized (out) {
                return out.toString(StandardCharsets.UTF_8);
            }
        }

        /** Waits until the output holds {@code text}; false if it did not within {@code seconds}. */
        boolean awaitOutput(String text, long seconds) throws InterruptedException {
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            synchronized (out) {
                while (!out.toString(StandardCharsets.UTF_8).contains(text)) {
                    long left = (end - System.nanoTime()) / 1_000_000;
                    if (left <= 0) {
                        return false;
                    }
                    out.wait(left);
                }
            }
            return true;
        }

        /** Kills the peer (by its process, which {@code ip netns exec} became) and waits for it to end. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }

        /** Waits for the peer to end; returns its output. */
        String awaitEnd(long seconds) throws InterruptedException {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            pump.join(10_000);
            return output();
        }
    }
}
