package io.modvm.virtio.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.virtio.device.GuestErrorLog;
import io.modvm.virtio.device.QueueServer;
import io.modvm.virtio.device.ResetLatch;
import io.modvm.virtio.queue.SplitVirtqueue;
import io.modvm.virtio.queue.TestDriver;
import io.modvm.virtio.testing.FakeActivation;
import io.modvm.virtio.testing.HostileRing;
import io.modvm.virtio.testing.SeededFuzz;
import io.modvm.virtio.testing.StrictGuestMemory;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seeded fuzzing of the three kinds of virtio-net queue. Each iteration lays out a queue as a driver would, with
 * buffers that are often bad (at RAM's edges, across them, in the hole, empty, 4 GiB long, in the wrong direction)
 * and random bytes where headers and commands go, scribbles on descriptors and ring indexes, and serves it for a
 * few rounds while the host side sends frames of random lengths.
 *
 * <p>Invariants: nothing escapes the queue's code; every guest-memory access stays in RAM ({@link
 * StrictGuestMemory} throws an Error otherwise); after DEVICE_NEEDS_RESET the queue is not touched; the backend
 * never gets a frame whose header failed its checks; nothing hangs. {@code -Dmodvm.fuzz.iterations=N} runs longer;
 * a failure names its seed for {@code -Dmodvm.fuzz.seed=S}.
 */
class NetQueuesFuzzTest {
    private static final Logger LOG = LoggerFactory.getLogger(NetQueuesFuzzTest.class);
    private static final long SEED = 0x6e65_7466_757AL;
    private static final long RINGS = HostileRing.RAM_A;
    private static final long INDIRECT = HostileRing.RAM_A + 0x8000;
    private static final HostileRing GUEST = new HostileRing(2048, 1 << 17, 512);
    private static final byte[] MAC = {0x52, 0x54, 0, 0x12, 0x34, 0x56};

    private final GuestErrorLog log = new GuestErrorLog("virtio-net fuzz");
    private long sent;
    private long received;
    private long resets;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void hostileQueuesNeverEscapeTheDevice() throws Exception {
        int iterations = SeededFuzz.iterations(3000);
        StrictGuestMemory memory = HostileRing.memory();
        long start = System.nanoTime();
        if (!SeededFuzz.run(SEED, iterations, rnd -> iteration(rnd, memory))) {
            return;
        }
        LOG.info("net fuzz: {} iterations in {} ms, {} frames sent, {} received, {} resets", iterations,
                (System.nanoTime() - start) / 1_000_000, sent, received, resets);
        if (iterations >= 1000) {
            assertTrue(sent > 0, "no frame was ever sent");
            assertTrue(received > 0, "no frame was ever received");
            assertTrue(resets > 0, "no queue ever broke");
        }
    }

    private void iteration(Random rnd, StrictGuestMemory memory) throws Exception {
        int size = 1 << rnd.nextInt(7);
        TestDriver driver = new TestDriver(memory, RINGS, size, rnd.nextBoolean(), rnd.nextBoolean(), INDIRECT);
        int kind = rnd.nextInt(3);
        GUEST.addRequests(rnd, driver, kind == 0);
        randomBytes(rnd, memory);
        GUEST.scribble(rnd, memory, driver);
        long features = rnd.nextLong();
        FakeActivation activation = new FakeActivation(memory, features,
                SplitVirtqueue.create(memory, driver.config()));
        ResetLatch latch = new ResetLatch(activation);
        FakeBackendQueue backend = new FakeBackendQueue();
        NetStats stats = new NetStats();
        boolean vnetHeader = rnd.nextBoolean();
        NetRxQueue rx = kind == 0 ? new NetRxQueue("rx", activation, 0, backend, vnetHeader,
                VirtioNet.HEADER_SIZE + (rnd.nextBoolean() ? VirtioNet.MAX_GSO_FRAME : VirtioNet.MAX_PLAIN_FRAME),
                () -> NetFilter.initial(MAC, false), () -> true, stats, latch, log) : null;
        QueueServer server = kind == 0 ? null : new QueueServer(activation, 0, kind == 1 ? "tx" : "ctrl",
                kind == 1 ? new NetTxQueue("tx", memory, backend, vnetHeader, features, VirtioNet.MAX_PLAIN_FRAME,
                        activation.kicks(0), () -> true, () -> false, stats, log)
                        : new NetCtrlQueue(memory, features, 4, new Sink(), log), latch, log);
        int rounds = 1 + rnd.nextInt(4);
        for (int round = 0; round < rounds; round++) {
            boolean stoppedBefore = !activation.resetRequests().isEmpty();
            long accessesBefore = memory.accesses();
            byte[] ramBefore = stoppedBefore ? HostileRing.contents(memory) : null;
            if (rx != null) {
                for (int f = rnd.nextInt(4); f > 0; f--) {
                    byte[] frame = new byte[rnd.nextInt(3) == 0 ? rnd.nextInt(70_000) : rnd.nextInt(1600)];
                    rnd.nextBytes(frame);
                    backend.incoming.add(frame);
                }
                for (int p = 0; p < 6; p++) {
                    rx.pass();
                }
                rx.flush();
            } else {
                server.serve();
            }
            if (stoppedBefore) {
                assertEquals(accessesBefore, memory.accesses(), "queue touched after DEVICE_NEEDS_RESET");
                assertArrayEquals(ramBefore, HostileRing.contents(memory), "RAM written after DEVICE_NEEDS_RESET");
            }
            if (rnd.nextInt(3) == 0) {
                GUEST.addRequests(rnd, driver, kind == 0);
                GUEST.scribble(rnd, memory, driver);
            }
        }
        for (byte[] frame : backend.sent) {
            int skip = vnetHeader ? VirtioNet.HEADER_SIZE : 0;
            assertTrue(frame.length >= skip + VirtioNet.ETH_HEADER, "a frame of " + frame.length + " bytes went out");
            if (vnetHeader) {
                byte[] h = new byte[VirtioNet.HEADER_SIZE];
                System.arraycopy(frame, 0, h, 0, h.length);
                assertEquals(null,
                        TxHeader.parse(h).problem(frame.length - skip, features, VirtioNet.MAX_PLAIN_FRAME),
                        "a frame whose header fails the checks went out");
            }
        }
        sent += backend.sent.size();
        received += stats.rxPackets.sum();
        resets += activation.resetRequests().size();
        assertTrue(activation.resetRequests().size() <= 1, "more than one reset asked for");
    }

    /** Random bytes where sane buffers lie: headers, commands and MAC tables the guest made up. */
    private static void randomBytes(Random rnd, StrictGuestMemory memory) {
        byte[] junk = new byte[4096];
        for (int i = rnd.nextInt(4); i > 0; i--) {
            rnd.nextBytes(junk);
            memory.write(HostileRing.DATA + rnd.nextInt(0x1_0000 - junk.length), junk, 0, junk.length);
        }
    }

    /** The device side of the control queue: takes whatever a command sets. */
    private static final class Sink implements NetCtrlQueue.Commands {
        private NetFilter filter = NetFilter.initial(MAC, true);

        @Override
        public NetFilter filter() {
            return filter;
        }

        @Override
        public void setFilter(NetFilter next) {
            filter = next;
        }

        @Override
        public void announceAcked() {
        }

        @Override
        public boolean setQueuePairs(int pairs) {
            return pairs >= 1 && pairs <= 4;
        }

        @Override
        public boolean setGuestOffloads(long offloads) {
            return true;
        }
    }
}
