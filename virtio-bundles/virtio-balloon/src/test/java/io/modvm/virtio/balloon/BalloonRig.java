package io.modvm.virtio.balloon;

import io.modvm.virtio.balloon.auto.HostMemory;
import io.modvm.virtio.device.VirtioFeatures;
import io.modvm.virtio.queue.TestDriver;
import io.modvm.virtio.queue.TestDriver.Buf;
import io.modvm.virtio.queue.VirtqueueException;
import io.modvm.virtio.testing.Await;
import io.modvm.virtio.testing.FakeActivation;
import io.modvm.virtio.testing.StrictGuestMemory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A balloon with a driver: guest RAM, a {@link TestDriver} per queue the negotiated features define, the activation
 * built from them, and a recorder of BALLOON_CHANGE notifications. Buffers are placed by a bump allocator.
 */
final class BalloonRig implements AutoCloseable {
    static final long RAM_SIZE = 64L << 20;
    static final long LINUX_FEATURES = VirtioFeatures.bit(BalloonFeatures.STATS_VQ)
            | VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX) | VirtioFeatures.bit(VirtioFeatures.RING_INDIRECT_DESC)
            | VirtioFeatures.bit(VirtioFeatures.VERSION_1);

    final StrictGuestMemory memory = TestRam.create();
    final List<Long> changes = new ArrayList<>();
    final BalloonDevice balloon;
    final QueueLayout layout;
    final FakeActivation activation;
    private final Map<Integer, TestDriver> drivers = new HashMap<>();
    private long nextBuffer = TestRam.BUFFERS;

    BalloonRig(BalloonConfig options, long features, HostMemory host) throws VirtqueueException {
        balloon = new BalloonDevice("balloon0", RAM_SIZE, options, (b, bytes) -> record(bytes), host, b -> { });
        layout = QueueLayout.of(features);
        activation = new FakeActivation(memory, features);
        for (int index : new int[] {layout.inflate(), layout.deflate(), layout.stats(), layout.reporting()}) {
            if (index >= 0) {
                TestDriver driver = new TestDriver(memory, TestRam.RINGS + index * TestRam.RING_STRIDE,
                        BalloonDevice.QUEUE_SIZE, true, true, TestRam.INDIRECT + index * TestRam.INDIRECT_STRIDE);
                drivers.put(index, driver);
                activation.enable(index, driver);
            }
        }
    }

    BalloonRig(BalloonConfig options, long features) throws VirtqueueException {
        this(options, features, () -> {
            throw new IOException("no host memory in this test");
        });
    }

    BalloonRig() throws VirtqueueException {
        this(BalloonConfig.DEFAULTS, LINUX_FEATURES);
    }

    private synchronized void record(long bytes) {
        changes.add(bytes);
    }

    synchronized List<Long> changes() {
        return new ArrayList<>(changes);
    }

    TestDriver driver(int index) {
        return drivers.get(index);
    }

    void activate() {
        balloon.activate(activation);
    }

    /** Writes {@code pfns} as a PFN array into a fresh buffer. */
    Buf pfnArray(long... pfns) {
        Buf buf = allocate(pfns.length * 4);
        for (int i = 0; i < pfns.length; i++) {
            memory.writeInt(buf.address() + 4L * i, (int) pfns[i]);
        }
        return buf;
    }

    /** Writes stat entries (tag, value pairs) into a fresh buffer. */
    Buf statsBuffer(long... tagValue) {
        Buf buf = allocate(tagValue.length / 2 * GuestStats.ENTRY_BYTES);
        for (int i = 0; i < tagValue.length / 2; i++) {
            long at = buf.address() + (long) i * GuestStats.ENTRY_BYTES;
            memory.writeShort(at, (short) tagValue[2 * i]);
            memory.writeLong(at + 2, tagValue[2 * i + 1]);
        }
        return buf;
    }

    Buf allocate(int length) {
        Buf buf = new Buf(nextBuffer, length);
        nextBuffer = TestDriver.alignUp(nextBuffer + Math.max(length, 1), 16);
        if (nextBuffer > TestRam.PAGES) {
            throw new IllegalStateException("test buffers overflow into the page area");
        }
        return buf;
    }

    /** Makes a readable request available on queue {@code index} and kicks. */
    int send(int index, Buf... readable) {
        int head = driver(index).add(List.of(readable), List.of());
        activation.kick(index);
        return head;
    }

    /** Waits until the device has returned {@code count} chains on queue {@code index} in all. */
    void awaitUsed(int index, int count) {
        Await.until(count + " used on queue " + index, () -> driver(index).usedIdx() >= count);
    }

    @Override
    public void close() {
        balloon.reset();
    }
}
