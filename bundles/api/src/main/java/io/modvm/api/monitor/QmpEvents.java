package io.modvm.api.monitor;

/**
 * The names of the QMP events modvm emits, as QEMU spells them: what {@link MonitorEvents#emit} takes, so that an
 * emitter never misspells one and a client (or a QMP schema) can list them.
 *
 * @since 1.1
 */
public final class QmpEvents {
    /** The vCPUs stopped (QMP {@code stop}, or a pause the monitor announces). */
    public static final String STOP = "STOP";
    /** The vCPUs run again. */
    public static final String RESUME = "RESUME";
    /** The machine was reset ({@code guest}, {@code reason}). */
    public static final String RESET = "RESET";
    /** The machine ends ({@code guest}, {@code reason}). */
    public static final String SHUTDOWN = "SHUTDOWN";
    /** The power button was pressed ({@code system_powerdown}). */
    public static final String POWERDOWN = "POWERDOWN";
    /** A device is gone ({@code device}, {@code path}). */
    public static final String DEVICE_DELETED = "DEVICE_DELETED";
    /**
     * modvm's own event, in QMP's downstream spelling: a device was carried across an update of its bundle and
     * never left the guest, so no {@link #DEVICE_DELETED} was sent. Data: {@code device}, {@code path},
     * {@code type}, {@code old-version} and {@code new-version} (of the bundles that provided the type), and
     * {@code state-kept} (false if the new instance was built with {@code create()} and starts from power-on
     * state).
     *
     * @since 1.2
     */
    public static final String DEVICE_SWAPPED = "__io.modvm_DEVICE_SWAPPED";
    /** The balloon changed size ({@code actual}, in bytes). */
    public static final String BALLOON_CHANGE = "BALLOON_CHANGE";
    /**
     * A NIC's driver changed its receive filter ({@code name}, {@code path}); emitted once until
     * {@code query-rx-filter} asks for that NIC's filter again.
     */
    public static final String NIC_RX_FILTER_CHANGED = "NIC_RX_FILTER_CHANGED";

    private QmpEvents() {
    }
}
