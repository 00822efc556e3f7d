package io.modvm.api.device;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The properties one device was given, checked against its factory's declarations ({@link DeviceFactory#properties()})
 * and read by type, with the declared defaults for those not given. The core builds it for every device before
 * {@link DeviceFactory#create(DeviceContext, DeviceProperties)}; a test or another caller builds one with
 * {@link #parse}, which checks exactly as the core does.
 *
 * <p>For a factory that declares nothing ({@link DeviceFactory#properties()} returns null) the values are passed
 * through unchecked: {@link #asMap()} holds them and the typed reads are refused.
 *
 * @since 1.3
 */
public final class DeviceProperties {
    /** The device's id: the core's own property, which every device takes and none declares. */
    private static final String ID = "id";
    private final String deviceType;
    private final Map<String, DeviceProperty> declared;
    private final Map<String, String> given;
    private final Map<String, Object> values;

    private DeviceProperties(String deviceType, Map<String, DeviceProperty> declared, Map<String, String> given,
            Map<String, Object> values) {
        this.deviceType = deviceType;
        this.declared = declared;
        this.given = given;
        this.values = values;
    }

    /**
     * Checks {@code given} against {@code declared}.
     *
     * @param deviceType how messages name the device ({@code isa-serial})
     * @param declared the factory's declarations; null for a factory that declares nothing, whose values pass
     *     through unchecked
     * @param given the {@code key=value} pairs of {@code -device} without the type; an {@code id} among them is the
     *     core's, taken by every device and never declared
     * @throws DeviceException one line: a property not declared (with the nearest declared name if it looks like a
     *     typo, and the declared ones), or a value the property does not take (with what it takes)
     */
    public static DeviceProperties parse(String deviceType, List<DeviceProperty> declared, Map<String, String> given)
            throws DeviceException {
        Map<String, String> copy = Collections.unmodifiableMap(new LinkedHashMap<>(given == null ? Map.of() : given));
        if (declared == null) {
            return new DeviceProperties(deviceType, null, copy, Map.of());
        }
        Map<String, DeviceProperty> byName = new LinkedHashMap<>();
        for (DeviceProperty p : declared) {
            if (byName.put(p.name(), p) != null) {
                throw new IllegalArgumentException(deviceType + " declares property '" + p.name() + "' twice");
            }
        }
        for (String name : new TreeSet<>(copy.keySet())) {
            if (!byName.containsKey(name) && !name.equals(ID)) {
                throw new DeviceException(unknown(deviceType, name, byName.keySet()));
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (DeviceProperty p : byName.values()) {
            if (copy.containsKey(p.name())) {
                values.put(p.name(), p.parse(deviceType, copy.get(p.name())));
            }
        }
        return new DeviceProperties(deviceType, Collections.unmodifiableMap(byName), copy, values);
    }

    private static String unknown(String deviceType, String name, Set<String> known) {
        if (known.isEmpty()) {
            return deviceType + ": unknown property '" + name + "'; this device takes no properties";
        }
        String near = NearestName.of(name, known);
        return deviceType + ": unknown property '" + name + "'" + (near == null ? "" : " (did you mean '" + near
                + "'?)") + "; accepted: " + String.join(", ", new TreeSet<>(known));
    }

    /** The device type the properties belong to. */
    public String deviceType() {
        return deviceType;
    }

    /** Whether the factory declared its properties: if not, only {@link #asMap()} can be read. */
    public boolean declared() {
        return declared != null;
    }

    /** The values as they were given, unparsed, without defaults: what a configuration of this device records. */
    public Map<String, String> asMap() {
        return given;
    }

    /** Whether {@code name} was given (not only defaulted). */
    public boolean isSet(String name) {
        declaration(name);
        return values.containsKey(name);
    }

    /** A string or choice property: its value, or its default, or null if it has neither. */
    public String string(String name) {
        return (String) value(name, DeviceProperty.Kind.STRING, DeviceProperty.Kind.CHOICE);
    }

    /** A switch: its value, or its default, or false if it has neither. */
    public boolean bool(String name) {
        Object v = value(name, DeviceProperty.Kind.BOOL);
        return v != null && (Boolean) v;
    }

    /**
     * An integer property: its value or its default.
     *
     * @throws IllegalStateException if it was not given and has no default ({@link #isSet} first)
     */
    public long integer(String name) {
        return number(name, DeviceProperty.Kind.INTEGER);
    }

    /**
     * A size property, in bytes: its value or its default.
     *
     * @throws IllegalStateException if it was not given and has no default ({@link #isSet} first)
     */
    public long size(String name) {
        return number(name, DeviceProperty.Kind.SIZE);
    }

    private long number(String name, DeviceProperty.Kind kind) {
        Object v = value(name, kind);
        if (v == null) {
            throw new IllegalStateException(deviceType + ": " + name + " was not given and has no default");
        }
        return (Long) v;
    }

    private Object value(String name, DeviceProperty.Kind... kinds) {
        DeviceProperty p = declaration(name);
        if (!List.of(kinds).contains(p.kind())) {
            throw new IllegalArgumentException(deviceType + ": property '" + name + "' is a " + p.typeName()
                    + ", not a " + kinds[0].name().toLowerCase(Locale.ROOT));
        }
        return values.containsKey(name) ? values.get(name) : p.defaultValue();
    }

    private DeviceProperty declaration(String name) {
        if (declared == null) {
            throw new IllegalStateException(deviceType + " declares no properties; read asMap()");
        }
        DeviceProperty p = declared.get(name);
        if (p == null) {
            throw new IllegalArgumentException(deviceType + " declares no property '" + name + "'");
        }
        return p;
    }

    @Override
    public String toString() {
        return deviceType + given;
    }
}
