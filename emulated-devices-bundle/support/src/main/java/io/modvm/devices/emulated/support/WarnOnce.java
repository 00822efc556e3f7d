package io.modvm.devices.emulated.support;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * Logs a kind of guest misbehaviour the first time only: a guest can repeat a bad access millions of times, and
 * one line is enough to diagnose it without flooding the log.
 */
public final class WarnOnce {
    private final Logger log;
    private final AtomicBoolean logged = new AtomicBoolean();

    public WarnOnce(Logger log) {
        this.log = log;
    }

    public void warn(String format, Object... arguments) {
        if (logged.compareAndSet(false, true)) {
            log.warn(format + " (further ones are not logged)", arguments);
        }
    }
}
