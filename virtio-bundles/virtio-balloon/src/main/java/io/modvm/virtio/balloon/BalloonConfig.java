package io.modvm.virtio.balloon;

import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceProperty;
import io.modvm.virtio.balloon.auto.AutoLimits;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a {@code virtio-balloon-pci} was asked to do. Properties follow QEMU's where QEMU has them; {@code auto*} are
 * modvm's own opt-in automatic policy.
 *
 * @param deflateOnOom offer DEFLATE_ON_OOM: the guest may take pages back from the balloon before it runs out
 * @param freePageReporting offer PAGE_REPORTING: the guest reports free memory, which goes back to the host
 * @param statsPollingSeconds how often to ask the guest for memory statistics; 0 asks once (QEMU's default)
 * @param auto the automatic policy's bounds, or null when it is off
 */
public record BalloonConfig(boolean deflateOnOom, boolean freePageReporting, long statsPollingSeconds,
        AutoLimits auto) {
    static final String TYPE = "virtio-balloon-pci";
    static final String DEFLATE_ON_OOM = "deflate-on-oom";
    static final String FREE_PAGE_REPORTING = "free-page-reporting";
    static final String STATS_POLLING = "guest-stats-polling-interval";
    static final String AUTO = "auto";
    static final String AUTO_MIN = "auto-min";
    static final String AUTO_MAX = "auto-max";
    static final String AUTO_INTERVAL = "auto-interval";
    static final String AUTO_HOST_RESERVE = "auto-host-reserve";
    private static final Set<String> ACCEPTED = Set.of(DEFLATE_ON_OOM, FREE_PAGE_REPORTING, STATS_POLLING, AUTO,
            AUTO_MIN, AUTO_MAX, AUTO_INTERVAL, AUTO_HOST_RESERVE);
    private static final Set<String> AUTO_ONLY = Set.of(AUTO_MIN, AUTO_MAX, AUTO_INTERVAL, AUTO_HOST_RESERVE);

    /** QEMU keeps the interval in milliseconds in 32 bits. */
    private static final long MAX_POLLING_SECONDS = 0xFFFF_FFFFL / 1000;
    private static final long MAX_AUTO_INTERVAL = 3600;
    private static final long MIB = 1L << 20;

    /** What the core checks before {@link #parse}; the automatic policy's limits default by the guest's RAM. */
    static final List<DeviceProperty> PROPERTIES = List.of(
            DeviceProperty.bool(DEFLATE_ON_OOM, "let the guest deflate the balloon when it runs out of memory")
                    .withDefault(false),
            DeviceProperty.bool(FREE_PAGE_REPORTING, "let the guest report free pages to the host").withDefault(false),
            DeviceProperty.integer(STATS_POLLING, "seconds between statistics requests; 0 for none")
                    .range(0, MAX_POLLING_SECONDS).withDefault(0),
            DeviceProperty.bool(AUTO, "size the balloon by the host's free memory").withDefault(false),
            DeviceProperty.size(AUTO_MIN, "with auto: the least memory the guest keeps; by default a quarter of it"),
            DeviceProperty.size(AUTO_MAX, "with auto: the most memory the guest gets; by default all of it"),
            DeviceProperty.integer(AUTO_INTERVAL, "with auto: seconds between adjustments")
                    .range(1, MAX_AUTO_INTERVAL).withDefault(5),
            DeviceProperty.size(AUTO_HOST_RESERVE, "with auto: host memory kept free").withDefault(512 * MIB));

    /** The configuration when no property is given. */
    public static final BalloonConfig DEFAULTS = new BalloonConfig(false, false, 0, null);

    /** Parses and checks {@code properties} for a guest of {@code ramSize} bytes. */
    static BalloonConfig parse(Map<String, String> properties, long ramSize) throws DeviceException {
        PropertyReader props = PropertyReader.check(TYPE, properties, ACCEPTED);
        boolean deflateOnOom = props.onOff(DEFLATE_ON_OOM, false);
        boolean reporting = props.onOff(FREE_PAGE_REPORTING, false);
        long polling = props.count(STATS_POLLING, 0, 0, MAX_POLLING_SECONDS);
        if (!props.onOff(AUTO, false)) {
            for (String name : AUTO_ONLY) {
                if (props.has(name)) {
                    throw new DeviceException(TYPE + ": " + name + " applies only to the automatic policy; add "
                            + AUTO + "=on or drop " + name);
                }
            }
            return new BalloonConfig(deflateOnOom, reporting, polling, null);
        }
        return new BalloonConfig(deflateOnOom, reporting, polling, autoLimits(props, ramSize));
    }

    private static AutoLimits autoLimits(PropertyReader props, long ramSize) throws DeviceException {
        long max = props.size(AUTO_MAX, ramSize);
        long min = props.size(AUTO_MIN, Math.max(MIB, ramSize / 4 & -MIB));
        long reserve = props.size(AUTO_HOST_RESERVE, 512 * MIB);
        long interval = props.count(AUTO_INTERVAL, 5, 1, MAX_AUTO_INTERVAL);
        if (max > ramSize) {
            throw new DeviceException(TYPE + ": " + AUTO_MAX + " " + mib(max) + " exceeds the guest's RAM of "
                    + mib(ramSize) + "; use at most " + AUTO_MAX + "=" + ramSize / MIB + "M");
        }
        if (min < MIB) {
            throw new DeviceException(TYPE + ": " + AUTO_MIN + " " + min + " bytes leaves the guest no memory; use"
                    + " e.g. " + AUTO_MIN + "=256M");
        }
        if (min > max) {
            throw new DeviceException(TYPE + ": " + AUTO_MIN + " " + mib(min) + " is above " + AUTO_MAX + " "
                    + mib(max) + "; give " + AUTO_MIN + " <= " + AUTO_MAX);
        }
        return new AutoLimits(min, max, reserve, interval);
    }

    private static String mib(long bytes) {
        return bytes % MIB == 0 ? bytes / MIB + " MiB" : bytes + " bytes";
    }
}
