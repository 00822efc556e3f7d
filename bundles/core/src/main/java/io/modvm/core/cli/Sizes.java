package io.modvm.core.cli;

import java.math.BigDecimal;
import java.util.Locale;

/** Parses sizes as QEMU does for {@code -m}: a number, optionally with a fraction, in MiB unless a suffix (B, K, M, G, T) says otherwise. */
final class Sizes {
    private Sizes() {
    }

    /** Returns the size in bytes, or throws IllegalArgumentException with the reason. */
    static long parse(String text, char defaultUnit) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty size");
        }
        char last = t.charAt(t.length() - 1);
        char unit = defaultUnit;
        if (Character.isLetter(last)) {
            unit = last;
            t = t.substring(0, t.length() - 1);
        }
        if (!t.matches("[0-9]+(\\.[0-9]*)?|\\.[0-9]+")) {
            throw new IllegalArgumentException("not a number");
        }
        long multiplier = switch (unit) {
            case 'B' -> 1L;
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            case 'T' -> 1L << 40;
            default -> throw new IllegalArgumentException("unknown size suffix '" + unit + "'");
        };
        BigDecimal value;
        try {
            value = new BigDecimal(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number");
        }
        if (value.signum() < 0) {
            throw new IllegalArgumentException("negative size");
        }
        BigDecimal bytes = value.multiply(BigDecimal.valueOf(multiplier));
        if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("too large");
        }
        return bytes.longValue();
    }
}
