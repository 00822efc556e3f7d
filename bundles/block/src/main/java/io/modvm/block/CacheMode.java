package io.modvm.block;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * QEMU's {@code cache=} modes, as the three flags QEMU reports in {@code query-block}. {@code writeback} leaves writes
 * in the host page cache until the guest flushes; {@code none} bypasses the page cache (O_DIRECT) but still needs
 * flushes for the disk's own cache; {@code writethrough} and {@code directsync} make each write durable before it
 * completes (O_DSYNC); {@code unsafe} ignores the guest's flushes.
 *
 * @param writeback whether a write may complete before it is durable (else the file is opened O_DSYNC)
 * @param direct whether the page cache is bypassed (O_DIRECT)
 * @param noFlush whether guest flushes are ignored
 */
public enum CacheMode {
    WRITEBACK(true, false, false),
    NONE(true, true, false),
    WRITETHROUGH(false, false, false),
    DIRECTSYNC(false, true, false),
    UNSAFE(true, false, true);

    private final boolean writeback;
    private final boolean direct;
    private final boolean noFlush;

    CacheMode(boolean writeback, boolean direct, boolean noFlush) {
        this.writeback = writeback;
        this.direct = direct;
        this.noFlush = noFlush;
    }

    public boolean writeback() {
        return writeback;
    }

    public boolean direct() {
        return direct;
    }

    public boolean noFlush() {
        return noFlush;
    }

    /** The name as {@code cache=} takes it. */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a {@code cache=} value; null if it names no mode. */
    public static CacheMode parse(String text) {
        for (CacheMode mode : values()) {
            if (mode.optionName().equals(text)) {
                return mode;
            }
        }
        return null;
    }

    /** The accepted values, for error messages. */
    public static String accepted() {
        return Arrays.stream(values()).map(CacheMode::optionName).collect(Collectors.joining(", "));
    }
}
