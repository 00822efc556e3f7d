package io.modvm.virtio.balloon.monitor;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.virtio.balloon.BalloonRegistry;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * QEMU's {@code balloon}: asks the guest to change its usable memory to {@code value} bytes (QMP) or N MiB (HMP).
 * Errors and their classes are QEMU 7.2's; a target above RAM means all of RAM, as in QEMU.
 */
@Component(service = MonitorCommand.class, property = {MonitorCommand.PROP_NAME + "=" + BalloonCommand.NAME,
        MonitorCommand.PROP_HMP_NAME + "=" + BalloonCommand.NAME})
public final class BalloonCommand extends BalloonMonitorCommand {
    static final String NAME = "balloon";
    private static final long MIB_SHIFT = 20;

    @Activate
    public BalloonCommand(@Reference(name = "registry") BalloonRegistry registry) {
        super(registry);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "request VM to change its memory allocation (in MB)";
    }

    @Override
    public String hmpName() {
        return NAME;
    }

    @Override
    public String hmpArguments() {
        return "target";
    }

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        long target = integer(arguments.get("value"));
        if (target <= 0) {
            throw new MonitorException(MonitorException.GENERIC_ERROR, "Parameter 'target' expects a size");
        }
        balloon().setTargetMemory(target);
        return Map.of();
    }

    private static long integer(Object value) throws MonitorException {
        if (value == null) {
            throw new MonitorException(MonitorException.GENERIC_ERROR, "Parameter 'value' is missing");
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        throw new MonitorException(MonitorException.GENERIC_ERROR,
                "Invalid parameter type for 'value', expected: integer");
    }

    /** {@code balloon N}: N in MiB, as QEMU's HMP takes it. */
    @Override
    public Map<String, Object> parseHmp(String text) throws MonitorException {
        String arg = text.trim();
        if (arg.isEmpty()) {
            throw new MonitorException(MonitorException.GENERIC_ERROR, "Parameter 'value' is missing");
        }
        long mib;
        try {
            mib = arg.startsWith("0x") || arg.startsWith("0X") ? Long.parseLong(arg.substring(2), 16)
                    : Long.parseLong(arg);
        } catch (NumberFormatException e) {
            throw new MonitorException(MonitorException.GENERIC_ERROR,
                    "balloon: '" + arg + "' is not a whole number of MiB");
        }
        if (mib < 0) {
            throw new MonitorException(MonitorException.GENERIC_ERROR, "enter a positive value");
        }
        if (mib > Long.MAX_VALUE >> MIB_SHIFT) {
            throw new MonitorException(MonitorException.GENERIC_ERROR, "balloon: " + arg + " MiB is too large");
        }
        return Map.of("value", mib << MIB_SHIFT);
    }
}
