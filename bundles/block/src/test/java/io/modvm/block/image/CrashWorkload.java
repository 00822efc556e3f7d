package io.modvm.block.image;

import io.modvm.block.CacheMode;
import io.modvm.block.DiskImage;
import io.modvm.block.InternalSnapshots;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;

/**
 * The writes of the crash test, reproducible from a seed: op k writes slot k with bytes drawn from its own seed, except
 * that every fifth op discards the slot written three ops before. Run as a program, it performs the ops on an image
 * and prints {@code flushed K} after each flush that covered ops 0..K, until it is killed; with snapshots on, it
 * takes and deletes internal snapshots as it goes.
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

    /**
     * Every {@link #SNAPSHOT_EVERY}th op, with snapshots on, also takes a snapshot and deletes the one before the
     * last: the running image's contents stay what the ops wrote.
     */
    static final int SNAPSHOT_EVERY = 7;

    private static void snapshot(DiskImage image, int op) throws Exception {
        InternalSnapshots snapshots = image.internalSnapshots();
        snapshots.create("op" + op, 0, Instant.ofEpochSecond(op), op);
        snapshots.find("op" + (op - 2 * SNAPSHOT_EVERY)).ifPresent(s -> {
            try {
                snapshots.delete(s.id());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Arguments: image path, seed, slot size, and optionally {@code snapshots}. */
    public static void main(String[] args) throws Exception {
        CrashWorkload workload = new CrashWorkload(Long.parseLong(args[1]), Integer.parseInt(args[2]));
        boolean snapshots = args.length > 3 && args[3].equals("snapshots");
        try (DiskImage image = ImageOpener.open(Path.of(args[0]), "qcow2", false, CacheMode.WRITEBACK)) {
            for (int op = 0; op < OPS; op++) {
                workload.run(image, op);
                if (snapshots && op % SNAPSHOT_EVERY == SNAPSHOT_EVERY - 1) {
                    snapshot(image, op);
                }
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
