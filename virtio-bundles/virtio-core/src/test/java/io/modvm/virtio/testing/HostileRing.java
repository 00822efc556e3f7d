package io.modvm.virtio.testing;

import io.modvm.api.memory.GuestMemory;
import io.modvm.virtio.queue.HeapGuestMemory;
import io.modvm.virtio.queue.TestDriver;
import io.modvm.virtio.queue.TestDriver.Buf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A buggy or hostile driver of one device queue, for fuzz tests: requests of buffers biased towards trouble (at
 * RAM's edges, across them, in the hole, empty, 4 GiB long, in the wrong direction) and scribbles on descriptors
 * and the available ring. RAM is a 1 MiB range A and, past a hole, a 16 KiB range B; the test lays its rings and
 * indirect tables out in A below {@link #DATA}, where sane buffers go.
 */
public final class HostileRing {
    public static final long RAM_A = 0x10_0000;
    public static final int RAM_A_SIZE = 1 << 20;
    public static final long RAM_A_END = RAM_A + RAM_A_SIZE;
    public static final long RAM_B = 0x80_0000;
    public static final int RAM_B_SIZE = 16 << 10;
    /** Sane buffers lie in the 64 KiB from here. */
    public static final long DATA = RAM_A + 0x5_0000;

    private final int usualLength;
    private final int largeLength;
    private final int edge;

    /**
     * Buffers mostly of 1 to {@code usualLength} bytes, sometimes up to {@code largeLength}, and put within
     * {@code edge} bytes below the end of a RAM range when they are meant to straddle it.
     */
    public HostileRing(int usualLength, int largeLength, int edge) {
        this.usualLength = usualLength;
        this.largeLength = largeLength;
        this.edge = edge;
    }

    /** Fresh zeroed RAM of this layout that fails the test on any access outside it. */
    public static StrictGuestMemory memory() {
        return new StrictGuestMemory(new HeapGuestMemory().add(RAM_A, RAM_A_SIZE).add(RAM_B, RAM_B_SIZE));
    }

    /** A copy of all of this layout's RAM, not counted as an access: see {@link StrictGuestMemory#contents}. */
    public static byte[] contents(StrictGuestMemory memory) {
        byte[] a = memory.contents(RAM_A, RAM_A_SIZE);
        byte[] b = memory.contents(RAM_B, RAM_B_SIZE);
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** Adds up to a ring's worth of requests, their buffers mostly device-writable if {@code deviceWrites}. */
    public void addRequests(Random rnd, TestDriver driver, boolean deviceWrites) {
        int requests = rnd.nextInt(driver.numFree() + 1);
        for (int r = 0; r < requests && driver.numFree() > 0; r++) {
            int bufs = 1 + rnd.nextInt(3);
            List<Buf> out = new ArrayList<>();
            List<Buf> in = new ArrayList<>();
            for (int b = 0; b < bufs; b++) {
                // Mostly the right direction for the queue, sometimes the wrong one.
                (deviceWrites == (rnd.nextInt(6) != 0) ? in : out).add(buffer(rnd));
            }
            if (rnd.nextBoolean()) {
                driver.addIndirect(out, in);
            } else if (bufs <= driver.numFree()) {
                driver.add(out, in);
            }
        }
    }

    /** One buffer: mostly sane, often empty, 2^32 - 1 bytes long, at or past RAM's edges, or anywhere at all. */
    public Buf buffer(Random rnd) {
        int length = switch (rnd.nextInt(12)) {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> 1 + rnd.nextInt(largeLength);
            default -> 1 + rnd.nextInt(usualLength);
        };
        long address = switch (rnd.nextInt(12)) {
            case 0 -> RAM_A_END - rnd.nextInt(edge);
            case 1 -> RAM_B + RAM_B_SIZE - rnd.nextInt(edge);
            case 2 -> RAM_A_END + rnd.nextInt(1 << 20);
            case 3 -> rnd.nextLong();
            case 4 -> RAM_B + rnd.nextInt(RAM_B_SIZE);
            default -> DATA + rnd.nextInt(0x1_0000);
        };
        return new Buf(address, length);
    }

    /** The guest writes nonsense into a few descriptors, available-ring entries, its index or its flags. */
    public void scribble(Random rnd, GuestMemory memory, TestDriver driver) {
        int size = driver.config().size();
        int n = rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            switch (rnd.nextInt(4)) {
                case 0 -> driver.writeDescriptor(rnd.nextInt(size), buffer(rnd).address(), buffer(rnd).length(),
                        rnd.nextInt(8), rnd.nextInt(2 * size));
                case 1 -> memory.writeShort(driver.availRing() + 4 + 2L * rnd.nextInt(size),
                        (short) (rnd.nextInt(8) == 0 ? rnd.nextInt(0x10000) : rnd.nextInt(size)));
                case 2 -> driver.setAvailIdx(rnd.nextInt(4) == 0 ? rnd.nextInt(0x10000)
                        : (driver.usedIdx() + rnd.nextInt(size + 1)) & 0xFFFF);
                default -> driver.setAvailFlags(rnd.nextInt(4));
            }
        }
    }
}
