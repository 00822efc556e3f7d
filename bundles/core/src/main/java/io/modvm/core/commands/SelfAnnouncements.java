package io.modvm.core.commands;

import io.modvm.api.net.AnnounceRounds;
import io.modvm.api.net.NetworkAnnouncer;
import io.modvm.api.net.Nic;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The machine's {@link NetworkAnnouncer}: runs each series of rounds on one timer thread, asking every chosen NIC to
 * announce itself. A NIC that fails is logged and the others go on: an announcement only speeds up what the
 * switches would learn from the guest's next frame anyway.
 */
public final class SelfAnnouncements implements NetworkAnnouncer {
    private static final Logger LOG = LoggerFactory.getLogger(SelfAnnouncements.class);

    private final Nics nics;
    /** Guarded by this: the series running under an id. */
    private final Map<String, ScheduledFuture<?>> named = new HashMap<>();
    private ScheduledExecutorService timer;

    public SelfAnnouncements(Nics nics) {
        this.nics = nics;
    }

    @Override
    public synchronized void announce(AnnounceRounds rounds) {
        if (rounds.id() != null) {
            ScheduledFuture<?> old = named.remove(rounds.id());
            if (old != null) {
                old.cancel(false);
            }
        }
        if (rounds.rounds() > 0) {
            schedule(rounds, 0, 0);
        }
    }

    private synchronized void schedule(AnnounceRounds rounds, int round, long delayMillis) {
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "modvm-announce");
                t.setDaemon(true);
                return t;
            });
        }
        ScheduledFuture<?> next = timer.schedule(() -> round(rounds, round), delayMillis, TimeUnit.MILLISECONDS);
        if (rounds.id() != null) {
            named.put(rounds.id(), next);
        }
    }

    private void round(AnnounceRounds rounds, int round) {
        for (Nic nic : nics.list()) {
            if (rounds.interfaces().isEmpty() || rounds.interfaces().contains(nic.id())) {
                try {
                    nic.announce();
                } catch (RuntimeException e) {
                    LOG.warn("{}: announcing failed: {}", nic.id(), e.toString());
                }
            }
        }
        synchronized (this) {
            if (timer == null || (rounds.id() != null && !named.containsKey(rounds.id()))) {
                return;
            }
            if (round + 1 < rounds.rounds()) {
                schedule(rounds, round + 1, rounds.waitAfter(round));
            } else if (rounds.id() != null) {
                named.remove(rounds.id());
            }
        }
    }

    /** The machine has ended: rounds still to come are dropped. */
    public synchronized void close() {
        named.clear();
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
