package io.modvm.net.user;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.modvm.api.backend.BackendContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.net.NetworkBackend;
import io.modvm.api.net.NetworkQueue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What a NIC does with a user-mode backend, for the tests: it opens one through the factory with the real libslirp,
 * sends the guest's frames and waits for libslirp's, as virtio-net's threads do.
 */
final class GuestSide implements AutoCloseable {
    static final int NET = 0x0a000200;
    static final int HOST = 0x0a000202;
    static final int GUEST = 0x0a00020f;

    final NetworkBackend backend;
    final NetworkQueue queue;
    final KickNotifier kicks = new KickNotifier();
    /** Every frame received, in order, for messages. */
    final List<String> seen = new ArrayList<>();

    GuestSide(UserFactory factory, Map<String, String> options) throws DeviceException {
        backend = (NetworkBackend) factory.open(context("u0"), options);
        queue = backend.queue(0);
    }

    static BackendContext context(String id) {
        return new BackendContext() {
            @Override
            public String backendId() {
                return id;
            }

            @Override
            public <B> B backend(String kind, String backendId, Class<B> type) throws DeviceException {
                throw new DeviceException("no backend " + backendId);
            }

            @Override
            public void requestQuit() {
            }
        };
    }

    void send(ByteBuffer frame) throws IOException {
        // Into a direct buffer and across two, as a NIC's views of guest RAM are.
        ByteBuffer direct = ByteBuffer.allocateDirect(frame.remaining()).put(frame.duplicate()).flip();
        int half = direct.remaining() / 2;
        assertTrue(queue.send(new ByteBuffer[] {direct.slice(0, half), direct.slice(half, direct.remaining() - half)}));
    }

    /** Waits for the first frame that {@code wanted} accepts, skipping others (router advertisements, ARP). */
    ByteBuffer await(String what, Duration timeout, Predicate<ByteBuffer> wanted) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteBuffer buffer = ByteBuffer.allocateDirect(UserQueue.MAX_FRAME);
        while (System.nanoTime() < deadline) {
            buffer.clear();
            int n = queue.receive(new ByteBuffer[] {buffer});
            if (n > 0) {
                ByteBuffer frame = ByteBuffer.allocate(n).put(buffer.duplicate().limit(n)).flip();
                seen.add(describe(frame));
                if (wanted.test(frame)) {
                    return frame;
                }
                continue;
            }
            queue.awaitReceivable(kicks, Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
        return fail("no " + what + " within " + timeout + "; frames seen: " + seen);
    }

    private static String describe(ByteBuffer f) {
        int type = GuestFrames.etherType(f);
        if (type != GuestFrames.ETH_IPV4) {
            return "ethertype " + Integer.toHexString(type) + " (" + f.limit() + " bytes)";
        }
        return "IPv4 proto " + GuestFrames.ipProtocol(f) + " " + Ipv4.format(GuestFrames.ipSource(f)) + " -> "
                + Ipv4.format(GuestFrames.ipDestination(f)) + " (" + f.limit() + " bytes)";
    }

    @Override
    public void close() {
        backend.close();
        kicks.close();
    }
}
