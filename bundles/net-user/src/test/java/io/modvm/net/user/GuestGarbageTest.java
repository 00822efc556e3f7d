package io.modvm.net.user;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Frames a broken or hostile guest sends (well-formed frames with random bytes changed, cut short or run long) go
 * through the real libslirp without harming the process, and the network still answers afterwards. restrict=on and
 * IPv4 only: whatever a changed destination says, libslirp then sends nothing past the guest's own network, so the
 * test's traffic never leaves the process.
 */
@Timeout(120)
class GuestGarbageTest {
    private static final long SEED = 0x5eed_51_1e;
    private static final int FRAMES = 50_000;
    /** ICMP echo request, id and sequence 0, with its checksum. */
    private static final byte[] ECHO_REQUEST = {8, 0, -9, -1, 0, 0, 0, 0};

    @Test
    void seededGarbageLeavesTheNetworkAnswering() throws Exception {
        Random random = new Random(SEED);
        try (GuestSide guest = new GuestSide(new UserFactory(), Map.of("restrict", "on", "ipv6", "off"))) {
            List<byte[]> seeds = List.of(bytes(GuestFrames.arpRequest(GuestSide.GUEST, GuestSide.HOST)),
                    bytes(GuestFrames.dhcpDiscover(1)),
                    bytes(GuestFrames.tcp(GuestFrames.BROADCAST, GuestSide.GUEST, 1234, GuestSide.HOST, 22, 1, 0,
                            GuestFrames.TCP_SYN)),
                    bytes(GuestFrames.ethernet(GuestFrames.BROADCAST, GuestFrames.ETH_IPV4,
                            GuestFrames.ipv4(GuestSide.GUEST, 0x0a000203, GuestFrames.PROTO_UDP,
                                    GuestFrames.udp(5353, 53, new byte[40])))),
                    bytes(GuestFrames.ethernet(GuestFrames.BROADCAST, GuestFrames.ETH_IPV4,
                            GuestFrames.ipv4(GuestSide.GUEST, GuestSide.HOST, 1, ECHO_REQUEST))));
            ByteBuffer sink = ByteBuffer.allocateDirect(UserQueue.MAX_FRAME);
            for (int i = 0; i < FRAMES; i++) {
                byte[] frame = seeds.get(random.nextInt(seeds.size())).clone();
                for (int k = 1 + random.nextInt(6); k > 0; k--) {
                    frame[12 + random.nextInt(frame.length - 12)] = (byte) random.nextInt(256);
                }
                switch (random.nextInt(10)) {
                    case 0 -> frame = Arrays.copyOf(frame, random.nextInt(frame.length + 1));
                    case 1 -> frame = Arrays.copyOf(frame, frame.length + random.nextInt(2000));
                    default -> { }
                }
                guest.queue.send(new ByteBuffer[] {ByteBuffer.wrap(frame)});
                while (guest.queue.receive(new ByteBuffer[] {sink.clear()}) != 0) {
                    // what libslirp answers is not the point here
                }
            }
            guest.send(GuestFrames.dhcpDiscover(0x600d));
            ByteBuffer offer = guest.await("DHCPOFFER after the garbage", Duration.ofSeconds(10),
                    f -> GuestFrames.etherType(f) == GuestFrames.ETH_IPV4 && GuestFrames.ipProtocol(f) == 17
                            && GuestFrames.sourcePort(f) == 67 && GuestFrames.bootpXid(f) == 0x600d);
            assertEquals(GuestSide.GUEST, GuestFrames.bootpYiaddr(offer));
        }
    }

    private static byte[] bytes(ByteBuffer frame) {
        byte[] b = new byte[frame.remaining()];
        frame.duplicate().get(b);
        return b;
    }
}
