package io.modvm.api.device;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One property a {@link DeviceFactory} declares ({@link DeviceFactory#properties()}): its name, its type, its default
 * and a line of description. The core checks every value a device is given against its declaration before the
 * factory sees it, and lists the declarations for {@code -device TYPE,help}, HMP {@code device_add TYPE,help} and
 * QMP {@code device-list-properties}. Immutable: each {@code with...} method returns a new declaration.
 *
 * <pre>{@code
 * List.of(DeviceProperty.string("chardev", "ID of a chardev to use as a backend"),
 *         DeviceProperty.integer("irq", "ISA interrupt line").range(0, 15).withDefault(4),
 *         DeviceProperty.bool("wakeup", "wake the guest on input").withDefault(false),
 *         DeviceProperty.size("buffer", "receive buffer").range(4096, 1 << 20).withDefault(65536),
 *         DeviceProperty.choice("mode", "how input is echoed", "none", "line", "raw").withDefault("none"));
 * }</pre>
 *
 * @since 1.3
 */
public final class DeviceProperty {
    /** The kinds of value a property takes, as they are written on a command line. */
    public enum Kind {
        /** Any text. */
        STRING,
        /** A switch: {@code on}, {@code off}, and QEMU's {@code yes}/{@code no}, {@code true}/{@code false}. */
        BOOL,
        /** A whole number, in decimal or {@code 0x} hex, within the declared range. */
        INTEGER,
        /**
         * A size in bytes, with an optional suffix {@code K}, {@code M}, {@code G}, {@code T}, {@code P}, {@code E}
         * (powers of 1024, also written {@code KB}, {@code MB}...) and a fraction ({@code 1.5G}).
         */
        SIZE,
        /** One of a declared list of words. */
        CHOICE
    }

    private static final Pattern DECIMAL = Pattern.compile("[0-9]+");
    private static final Pattern SIGNED = Pattern.compile("-?[0-9]+");
    private static final Pattern HEX = Pattern.compile("0[xX][0-9a-fA-F]+");
    private static final Pattern SIZE_NUMBER = Pattern.compile("[0-9]+(\\.[0-9]*)?|\\.[0-9]+");
    private static final String SIZE_SUFFIXES = "BKMGTPE";

    private final String name;
    private final Kind kind;
    private final String description;
    private final Object defaultValue;
    private final long min;
    private final long max;
    private final boolean hex;
    private final List<String> choices;

    private DeviceProperty(String name, Kind kind, String description, Object defaultValue, long min, long max,
            boolean hex, List<String> choices) {
        this.name = name;
        this.kind = kind;
        this.description = description;
        this.defaultValue = defaultValue;
        this.min = min;
        this.max = max;
        this.hex = hex;
        this.choices = choices;
    }

    private static DeviceProperty of(String name, Kind kind, String description, long min, long max,
            List<String> choices) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.contains(",") || name.contains("=")) {
            throw new IllegalArgumentException("a property name is a word without ',' or '=': '" + name + "'");
        }
        return new DeviceProperty(name, kind, description == null ? "" : description, null, min, max, false,
                choices);
    }

    /** A property that takes any text. */
    public static DeviceProperty string(String name, String description) {
        return of(name, Kind.STRING, description, 0, 0, List.of());
    }

    /** An on/off switch. */
    public static DeviceProperty bool(String name, String description) {
        return of(name, Kind.BOOL, description, 0, 0, List.of());
    }

    /** A whole number, by default from 0 to {@link Long#MAX_VALUE}; see {@link #range}. */
    public static DeviceProperty integer(String name, String description) {
        return of(name, Kind.INTEGER, description, 0, Long.MAX_VALUE, List.of());
    }

    /** A size in bytes, by default from 0 to {@link Long#MAX_VALUE}; see {@link #range}. */
    public static DeviceProperty size(String name, String description) {
        return of(name, Kind.SIZE, description, 0, Long.MAX_VALUE, List.of());
    }

    /** One of {@code choices}. */
    public static DeviceProperty choice(String name, String description, String... choices) {
        if (choices.length == 0) {
            throw new IllegalArgumentException(name + ": a choice needs at least one word");
        }
        return of(name, Kind.CHOICE, description, 0, 0, List.of(choices));
    }

    /** The same integer or size property, taking values from {@code min} to {@code max} only. */
    public DeviceProperty range(long min, long max) {
        if (kind != Kind.INTEGER && kind != Kind.SIZE) {
            throw new IllegalStateException(name + ": only an integer or a size has a range");
        }
        if (min > max || (kind == Kind.SIZE && min < 0)) {
            throw new IllegalArgumentException(name + ": empty range " + min + ".." + max);
        }
        return new DeviceProperty(name, kind, description, defaultValue, min, max, hex, choices).checkedDefault();
    }

    /** The same integer property, shown in hex ({@code 0x3f8}) in its messages, as port numbers are written. */
    public DeviceProperty hex() {
        if (kind != Kind.INTEGER) {
            throw new IllegalStateException(name + ": only an integer is shown in hex");
        }
        return new DeviceProperty(name, kind, description, defaultValue, min, max, true, choices);
    }

    /** The same integer or size property, with the value a device gets when the property is not given. */
    public DeviceProperty withDefault(long value) {
        if (kind != Kind.INTEGER && kind != Kind.SIZE) {
            throw new IllegalStateException(name + ": a " + typeName() + " property has no number default");
        }
        return new DeviceProperty(name, kind, description, value, min, max, hex, choices).checkedDefault();
    }

    /** The same switch, with the value a device gets when the property is not given. */
    public DeviceProperty withDefault(boolean value) {
        if (kind != Kind.BOOL) {
            throw new IllegalStateException(name + ": a " + typeName() + " property has no on/off default");
        }
        return new DeviceProperty(name, kind, description, value, min, max, hex, choices);
    }

    /** The same string or choice property, with the value a device gets when the property is not given. */
    public DeviceProperty withDefault(String value) {
        if (kind != Kind.STRING && kind != Kind.CHOICE) {
            throw new IllegalStateException(name + ": a " + typeName() + " property has no text default");
        }
        return new DeviceProperty(name, kind, description, Objects.requireNonNull(value, "value"), min, max, hex,
                choices).checkedDefault();
    }

    private DeviceProperty checkedDefault() {
        boolean ok = switch (kind) {
            case INTEGER, SIZE -> defaultValue == null || ((Long) defaultValue >= min && (Long) defaultValue <= max);
            case CHOICE -> defaultValue == null || choices.contains(defaultValue);
            default -> true;
        };
        if (!ok) {
            throw new IllegalArgumentException(name + ": the default " + defaultValue + " is not among the values it"
                    + " takes (" + accepts() + ")");
        }
        return this;
    }

    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    /** One line for the help listings; may be empty. */
    public String description() {
        return description;
    }

    /** The default: a {@link Long}, {@link Boolean} or {@link String} by kind, or null if there is none. */
    public Object defaultValue() {
        return defaultValue;
    }

    /** The smallest value an integer or size takes. */
    public long min() {
        return min;
    }

    /** The largest value an integer or size takes. */
    public long max() {
        return max;
    }

    /** The words a choice takes; empty for other kinds. */
    public List<String> choices() {
        return choices;
    }

    /**
     * The type name QEMU gives such a property in its help and in {@code device-list-properties}: {@code str},
     * {@code bool}, {@code size}, and for an integer the smallest of {@code uint8}, {@code uint16}, {@code uint32},
     * {@code uint64} (or {@code int32}, {@code int64} if it takes negative numbers) that holds its range.
     */
    public String typeName() {
        return switch (kind) {
            case STRING, CHOICE -> "str";
            case BOOL -> "bool";
            case SIZE -> "size";
            case INTEGER -> integerTypeName();
        };
    }

    private String integerTypeName() {
        if (min < 0) {
            return min >= Integer.MIN_VALUE && max <= Integer.MAX_VALUE ? "int32" : "int64";
        }
        if (max <= 0xFF) {
            return "uint8";
        }
        if (max <= 0xFFFF) {
            return "uint16";
        }
        return max <= 0xFFFF_FFFFL ? "uint32" : "uint64";
    }

    /**
     * Reads {@code text} as this property's value.
     *
     * @param deviceType how the message names the device
     * @return a {@link String}, {@link Boolean} or {@link Long} by kind
     * @throws DeviceException one line naming the device type, the property, the value and what it takes
     */
    public Object parse(String deviceType, String text) throws DeviceException {
        String v = text == null ? "" : text;
        return switch (kind) {
            case STRING -> v;
            case BOOL -> parseBool(deviceType, v);
            case INTEGER -> parseInteger(deviceType, v);
            case SIZE -> parseSize(deviceType, v);
            case CHOICE -> parseChoice(deviceType, v);
        };
    }

    private Boolean parseBool(String deviceType, String v) throws DeviceException {
        return switch (v) {
            case "on", "yes", "true" -> Boolean.TRUE;
            case "off", "no", "false" -> Boolean.FALSE;
            default -> throw bad(deviceType, v, "is not a switch; use " + name + "=on or " + name + "=off");
        };
    }

    private Long parseInteger(String deviceType, String v) throws DeviceException {
        String t = v.strip();
        boolean isHex = HEX.matcher(t).matches();
        if (!isHex && !(min < 0 ? SIGNED : DECIMAL).matcher(t).matches()) {
            throw bad(deviceType, v, "is not a number; use e.g. " + name + "=" + format(example()));
        }
        long n;
        try {
            n = isHex ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseLong(t);
        } catch (NumberFormatException tooLong) {
            throw outOfRange(deviceType, v);
        }
        if (n < min || n > max || (isHex && n < 0)) {
            throw outOfRange(deviceType, v);
        }
        return n;
    }

    private Long parseSize(String deviceType, String v) throws DeviceException {
        String t = v.strip().toUpperCase(Locale.ROOT);
        if (t.length() > 2 && t.endsWith("B") && SIZE_SUFFIXES.indexOf(t.charAt(t.length() - 2)) > 0) {
            t = t.substring(0, t.length() - 1); // 64MB as 64M
        }
        int shift = 0;
        if (!t.isEmpty() && SIZE_SUFFIXES.indexOf(t.charAt(t.length() - 1)) >= 0) {
            shift = 10 * SIZE_SUFFIXES.indexOf(t.charAt(t.length() - 1));
            t = t.substring(0, t.length() - 1);
        }
        if (!SIZE_NUMBER.matcher(t).matches()) {
            throw bad(deviceType, v, "is not a size; use a number of bytes with an optional suffix K, M, G or T, "
                    + "e.g. " + name + "=" + sizeExample());
        }
        BigDecimal bytes = new BigDecimal(t).multiply(BigDecimal.valueOf(2).pow(shift));
        if (bytes.compareTo(BigDecimal.valueOf(min)) < 0 || bytes.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw outOfRange(deviceType, v);
        }
        return bytes.longValue();
    }

    private String parseChoice(String deviceType, String v) throws DeviceException {
        if (!choices.contains(v)) {
            throw bad(deviceType, v, "is not one of " + String.join(", ", choices));
        }
        return v;
    }

    private DeviceException outOfRange(String deviceType, String v) {
        return bad(deviceType, v, "is out of range; use " + format(min) + ".." + format(max));
    }

    private DeviceException bad(String deviceType, String v, String why) {
        return new DeviceException(deviceType + ": " + name + " '" + v + "' " + why);
    }

    private long example() {
        return defaultValue instanceof Long l ? l : min;
    }

    private String sizeExample() {
        return defaultValue instanceof Long l ? Long.toString(l) : "64K";
    }

    /** {@code value} as this property's messages show it: {@code 0x3f8} for a {@link #hex} property. */
    public String format(long value) {
        return hex ? "0x" + Long.toHexString(value) : Long.toString(value);
    }

    /** What the property takes, in words, for messages. */
    public String accepts() {
        return switch (kind) {
            case STRING -> "any text";
            case BOOL -> "on or off";
            case INTEGER -> "a whole number from " + format(min) + " to " + format(max);
            case SIZE -> "a size from " + min + " to " + max + " bytes";
            case CHOICE -> "one of " + String.join(", ", choices);
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeviceProperty p && name.equals(p.name) && kind == p.kind
                && description.equals(p.description) && Objects.equals(defaultValue, p.defaultValue) && min == p.min
                && max == p.max && hex == p.hex && choices.equals(p.choices);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, kind, description, defaultValue, min, max, hex, choices);
    }

    @Override
    public String toString() {
        return name + "=<" + typeName() + ">" + (defaultValue == null ? "" : " (default: " + defaultValue + ")");
    }
}
