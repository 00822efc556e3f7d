package io.modvm.monitor.hmp;

/**
 * Runs HMP command lines. Registered by the monitor component (inside this bundle only) for the Gogo commands,
 * and used by {@code human-monitor-command} and the HMP consoles.
 */
public interface HmpConsole {
    /** Runs one line; returns what HMP prints, each line ended by {@code \r\n} as QEMU ends them. */
    String execute(String commandLine);
}
