package io.modvm.core.devices;

import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.machine.Machine;
import io.modvm.api.machine.PauseHold;
import io.modvm.api.state.StateRecord;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries a device across an update of its bundle: when its factory leaves, the vCPUs pause, the device's state is
 * taken while its classes still exist and its PCI functions are parked ({@link DeviceTable#park}); a new factory of
 * its type restores it into the same functions and the vCPUs go on. A device that cannot hand its state over (not a
 * {@link io.modvm.api.device.StatefulDevice}, a state that could not be saved, or one the new factory refuses) is
 * parked the same way and re-created with {@code create()}, with a warning that names it. If no new factory comes
 * within the timeout, or it cannot build the device at all, the swap is abandoned: the vCPUs go on and the device
 * leaves the guest through an eject.
 */
final class HotSwap {
    private static final Logger LOG = LoggerFactory.getLogger(HotSwap.class);
    /** How long a swap waits for the last vCPU to stop before it goes on. */
    private static final long PAUSE_WAIT_MILLIS = 2000;

    private record Parked(StateRecord state, PauseHold hold, ScheduledFuture<?> timeout) {
    }

    private final DeviceTable table;
    private final EjectRequests ejects;
    private final Machine machine;
    private final long timeoutMillis;
    /** Guarded by this. */
    private final Map<String, Parked> parked = new HashMap<>();
    private ScheduledExecutorService timer;

    /** @param timeoutMillis how long a parked device waits for a new factory of its type */
    HotSwap(DeviceTable table, EjectRequests ejects, Machine machine, long timeoutMillis) {
        this.table = table;
        this.ejects = ejects;
        this.machine = machine;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * First half: pauses the vCPUs and parks device {@code id} (they stay paused until {@link #restore} or
     * {@link #discard}), with its state if it can hand it over; {@code timedOut} runs on the swap timer if no
     * restore came in time. Returns false, having changed nothing, if no device is plugged under {@code id}.
     */
    boolean park(String id, Runnable timedOut) {
        if (table.type(id) == null || table.parked(id)) {
            return false;
        }
        PauseHold hold = machine.hold("hot-swap of " + id, PAUSE_WAIT_MILLIS);
        StateRecord state = table.swappable(id) ? table.park(id) : null;
        if (state == null && !table.parkWithoutState(id, table.swappable(id) ? "its state could not be saved"
                : "it is not a StatefulDevice")) {
            hold.close();
            return false;
        }
        synchronized (this) {
            ScheduledFuture<?> timeout = timer().schedule(timedOut, timeoutMillis, TimeUnit.MILLISECONDS);
            parked.put(id, new Parked(state, hold, timeout));
        }
        LOG.info("device {}: its factory left; parked for up to {} ms for a new one", id, timeoutMillis);
        return true;
    }

    /**
     * Second half: {@code factory} builds the device that takes over the saved state in the parked PCI functions;
     * the vCPUs go on. A device parked without a state, or whose state the factory refuses, is built with
     * {@code create()} instead. On failure the device stays parked, for {@link #discard}.
     *
     * @return whether the state was kept
     * @throws DeviceException nothing is parked under {@code id}, the factory's reason, or a new device that does
     *     not take its PCI function back
     */
    boolean restore(String id, DeviceFactory factory, Map<String, String> properties) throws DeviceException {
        Parked p;
        synchronized (this) {
            p = parked.get(id);
        }
        if (p == null) {
            throw new DeviceException(id + ": no device is parked under this id");
        }
        boolean kept = p.state() != null;
        if (kept) {
            try {
                table.restore(id, factory, properties, p.state());
            } catch (DeviceException refused) {
                LOG.warn("device {} ({}): the new instance refused its state ({}); it is built with create() and "
                        + "starts from power-on state", id, factory.type(), refused.getMessage());
                kept = false;
            }
        }
        if (!kept) {
            table.restore(id, factory, properties, null);
        }
        finish(id);
        LOG.info("device {} taken over by a new {} instance{}", id, factory.type(), kept ? "" : ", without its state");
        return kept;
    }

    /**
     * The swap is abandoned: the vCPUs go on and the parked device is removed with the guest's cooperation;
     * {@code gone} runs once it is. Returns false if nothing is parked under {@code id}.
     */
    boolean discard(String id, Runnable gone) {
        if (!table.parked(id)) {
            return false;
        }
        finish(id);
        ejects.request(id, gone);
        return true;
    }

    /** Forgets a parked device that left another way (unplugged at once): its pause hold goes with it. */
    void forget(String id) {
        finish(id);
    }

    private void finish(String id) {
        Parked p;
        synchronized (this) {
            p = parked.remove(id);
        }
        if (p != null) {
            p.timeout().cancel(false);
            p.hold().close();
        }
    }

    /** The machine has ended: pending timeouts are dropped. */
    synchronized void close() {
        parked.values().forEach(p -> p.timeout().cancel(false));
        parked.clear();
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    private ScheduledExecutorService timer() {
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "modvm-device-swap");
                t.setDaemon(true);
                return t;
            });
        }
        return timer;
    }
}
