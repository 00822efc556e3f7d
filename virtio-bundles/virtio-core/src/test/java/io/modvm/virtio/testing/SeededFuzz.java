package io.modvm.virtio.testing;

import java.util.Random;

/**
 * The run of a seeded fuzz test: iterations with seeds drawn from the test's fixed seed, a failure naming its
 * iteration's seed, and {@code -Dmodvm.fuzz.seed=S} to replay that one iteration. {@code -Dmodvm.fuzz.iterations=N}
 * runs longer or shorter.
 */
public final class SeededFuzz {
    /** One iteration, all of whose choices come from {@code rnd}. */
    @FunctionalInterface
    public interface Iteration {
        void run(Random rnd) throws Exception;
    }

    private SeededFuzz() {
    }

    /** The iterations to run: {@code -Dmodvm.fuzz.iterations}, or {@code usual}. */
    public static int iterations(int usual) {
        return Integer.parseInt(System.getProperty("modvm.fuzz.iterations", Integer.toString(usual)));
    }

    /**
     * Runs {@code iterations} iterations seeded from {@code seed}, or only the one {@code -Dmodvm.fuzz.seed} names.
     * Returns false after such a replay, whose counts say nothing about the paths a whole run reaches.
     */
    public static boolean run(long seed, int iterations, Iteration iteration) throws Exception {
        String replay = System.getProperty("modvm.fuzz.seed");
        if (replay != null) {
            iteration.run(new Random(Long.parseLong(replay)));
            return false;
        }
        Random seeds = new Random(seed);
        for (int i = 0; i < iterations; i++) {
            long s = seeds.nextLong();
            try {
                iteration.run(new Random(s));
            } catch (Throwable t) {
                throw new AssertionError("fuzz iteration " + i + " failed; replay with -Dmodvm.fuzz.seed=" + s, t);
            }
        }
        return true;
    }
}
