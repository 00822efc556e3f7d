package io.modvm.virtio.balloon.auto;

import io.modvm.virtio.balloon.Balloon;
import io.modvm.virtio.balloon.GuestStats;
import io.modvm.virtio.balloon.StatTag;
import java.io.IOException;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the automatic policy for one balloon: each {@link #tick()} (the device's timer calls it every
 * {@code auto-interval}) gathers the guest's latest statistics and the host's available memory, asks
 * {@link AutoPolicy} and applies its answer. A tick decides only on statistics it has not decided on before, so a
 * guest that stopped reporting is left alone rather than steered by stale numbers.
 */
public final class AutoBalloon {
    private static final Logger LOG = LoggerFactory.getLogger(AutoBalloon.class);

    private final Balloon balloon;
    private final HostMemory host;
    private final AutoLimits limits;
    private final AutoPolicy policy;
    private long decidedOn;
    private boolean hostErrorLogged;
    private boolean waitingLogged;
    private String lastHold;

    public AutoBalloon(Balloon balloon, HostMemory host, AutoLimits limits, AutoPolicy policy) {
        this.balloon = balloon;
        this.host = host;
        this.limits = limits;
        this.policy = policy;
    }

    /** Decides once and applies the decision; returns it (a HOLD when there was nothing to decide on). */
    public synchronized AutoDecision tick() {
        GuestStats stats = balloon.stats();
        if (stats.sequence() == 0 && !waitingLogged) {
            waitingLogged = true;
            LOG.info("{}: automatic balloon waits for the guest's first memory statistics (a driver without the"
                    + " stats queue never sends any)", balloon.id());
        }
        if (stats.sequence() == decidedOn) {
            return idle("no new guest statistics since the last decision");
        }
        decidedOn = stats.sequence();
        OptionalLong available = stats.get(StatTag.AVAILABLE_MEMORY);
        if (available.isEmpty()) {
            available = stats.get(StatTag.FREE_MEMORY);
        }
        if (available.isEmpty()) {
            return idle("the guest reports neither available nor free memory");
        }
        long hostAvailable;
        try {
            hostAvailable = host.availableBytes();
        } catch (IOException e) {
            if (!hostErrorLogged) {
                hostErrorLogged = true;
                LOG.warn("{}: automatic balloon paused: {}", balloon.id(), e.getMessage());
            }
            return idle("host memory unknown");
        }
        AutoDecision decision = policy.decide(new AutoInput(balloon.targetMemory(), balloon.actualMemory(),
                available.getAsLong(), hostAvailable), limits);
        if (decision.action() == AutoDecision.Action.HOLD) {
            // Holding for the same reason tick after tick is one decision, logged at info when it is first made.
            if (decision.rule().equals(lastHold)) {
                LOG.debug("{}: auto balloon holds: {}", balloon.id(), decision.reason());
            } else {
                LOG.info("{}: auto balloon holds: {}", balloon.id(), decision.reason());
            }
            lastHold = decision.rule();
        } else {
            LOG.info("{}: auto balloon: {}", balloon.id(), decision.reason());
            balloon.setTargetMemory(decision.target());
            lastHold = null;
        }
        return decision;
    }

    private AutoDecision idle(String why) {
        LOG.debug("{}: auto balloon holds: {}", balloon.id(), why);
        return new AutoDecision(AutoDecision.Action.HOLD, balloon.targetMemory(), why, "");
    }
}
