package io.modvm.launcher;

import java.util.List;
import java.util.Locale;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The log level from MODVM_LOG (default warn) and the system properties that configure SLF4J, java.util.logging and JNA. */
final class LogSettings {
    static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error", "off");
    static final String DEFAULT_LEVEL = "warn";

    private final String level;

    LogSettings(String level) {
        this.level = level;
    }

    static LogSettings fromEnvironment() {
        return of(System.getenv("MODVM_LOG"));
    }

    /** The level named by {@code value} (case-insensitive), or warn when it names none. */
    static LogSettings of(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return new LogSettings(LEVELS.contains(v) ? v : DEFAULT_LEVEL);
    }

    String level() {
        return level;
    }

    boolean isDebug() {
        return level.equals("debug") || level.equals("trace");
    }

    /** True when a message of the given level is shown. */
    boolean shows(String messageLevel) {
        return LEVELS.indexOf(messageLevel) >= LEVELS.indexOf(level);
    }

    Level julLevel() {
        switch (level) {
            case "trace": return Level.FINEST;
            case "debug": return Level.FINE;
            case "info": return Level.INFO;
            case "warn": return Level.WARNING;
            case "error": return Level.SEVERE;
            default: return Level.OFF;
        }
    }

    /** Must run before any bundle starts: slf4j-simple and JNA read these once. */
    void applySystemProperties() {
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        // FileInstall and SPI Fly log through java.util.logging: one line each, at the same level.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s %3$s - %5$s%6$s%n");
        }
        Logger root = Logger.getLogger("");
        root.setLevel(julLevel());
        for (Handler handler : root.getHandlers()) {
            handler.setLevel(julLevel());
        }
        // Load libjnidispatch through the framework (Bundle-NativeCode) rather than unpacking it into ~/.cache.
        if (System.getProperty("jna.nosys") == null) {
            System.setProperty("jna.nosys", "false");
        }
    }
}
