package io.modvm.block.image;

import io.modvm.block.CacheMode;
import io.modvm.block.DiskImage;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;

/**
 * The writes of the crash test, reproducible from a seed: op k writes slot k with bytes drawn from its own seed, except
 * that every fifth op discards the slot written three ops before. Run as a program, it performs the ops on an image
 * and prints {@code flushed K} after each flush that covered ops 0..K, until it is killed.
 */
public final class CrashWorkload {
    static final int OPS = 1000;

    private final long seed;
    private final int slotSize;

    CrashWorkload(long seed, int slotSize) {
        this.seed = seed;
        this.slotSize = slotSize;
    }

    static boolean isDiscard(int op) {
        return op % 5 == 4;
    }

    /** The slot op {@code op} touches. */
    static int slot(int op) {
        return isDiscard(op) ? op - 3 : op;
    }

    /** What op {@code op} writes (a discard writes nothing). */
    byte[] data(int op) {
        Random rnd = new Random(seed * 1_000_003L + op);
        byte[] data = new byte[1 + rnd.nextInt(slotSize)];
        rnd.nextBytes(data);
        return data;
    }

    void run(DiskImage image, int op) throws Exception {
        long offset = (long) slot(op) * slotSize;
        if (isDiscard(op)) {
            image.discard(offset, slotSize);
        } else {
            image.write(ByteBuffer.wrap(data(op)), offset);
        }
    }

    /** Arguments: image path, seed, slot size. */
    public static void main(String[] args) throws Exception {
        CrashWorkload workload = new CrashWorkload(Long.parseLong(args[1]), Integer.parseInt(args[2]));
        try (DiskImage image = ImageOpener.open(Path.of(args[0]), "qcow2", false, CacheMode.WRITEBACK)) {
            for (int op = 0; op < OPS; op++) {
                workload.run(image, op);
                if (op % 3 == 2) {
                    image.flush();
                    System.out.println("flushed " + op);
                    System.out.flush();
                }
            }
            System.out.println("done");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
