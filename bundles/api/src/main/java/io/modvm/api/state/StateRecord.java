package io.modvm.api.state;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The saved state of one part of a machine (a device, a queue, a vCPU): its type name, the version of its layout,
 * and named fields. A field holds a {@code long}, a {@code boolean}, a {@code String}, bytes, a nested record, or a
 * list of records. Records are immutable; {@link #builder} makes them.
 *
 * <p>A reader checks {@link #type()} and {@link #version()} first and then asks for fields by name and type, so a
 * newer writer may add fields without breaking an older reader, and a reader can say exactly which field is
 * missing when it is handed a state it cannot use.
 */
public final class StateRecord {
    private final String type;
    private final int version;
    private final Map<String, Object> fields;

    private StateRecord(String type, int version, Map<String, Object> fields) {
        this.type = type;
        this.version = version;
        this.fields = Collections.unmodifiableMap(fields);
    }

    /** Starts a record of {@code type} (for example {@code virtio-blk}) at layout {@code version} (0 to 65535). */
    public static Builder builder(String type, int version) {
        return new Builder(type, version);
    }

    /** The type name, such as {@code virtio-blk}. */
    public String type() {
        return type;
    }

    /** The version of the record's layout, 0 to 65535. */
    public int version() {
        return version;
    }

    /** The field names, in the order they were added. */
    public java.util.Set<String> names() {
        return fields.keySet();
    }

    /** True if the record has a field called {@code name}, of any type. */
    public boolean has(String name) {
        return fields.containsKey(name);
    }

    /** The {@code long} field {@code name}; a {@link StateException} if it is missing or of another type. */
    public long getLong(String name) throws StateException {
        return get(name, Long.class);
    }

    /** A field that must fit in an {@code int} (register values, indexes). */
    public int getInt(String name) throws StateException {
        long v = getLong(name);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new StateException(type + "." + name + " = " + v + " does not fit in 32 bits");
        }
        return (int) v;
    }

    /** The {@code boolean} field {@code name}; a {@link StateException} if it is missing or of another type. */
    public boolean getBoolean(String name) throws StateException {
        return get(name, Boolean.class);
    }

    /** The string field {@code name}; a {@link StateException} if it is missing or of another type. */
    public String getString(String name) throws StateException {
        return get(name, String.class);
    }

    /** A copy of the bytes field {@code name}; a {@link StateException} if it is missing or of another type. */
    public byte[] getBytes(String name) throws StateException {
        return get(name, byte[].class).clone();
    }

    /** The nested record {@code name}; a {@link StateException} if it is missing or of another type. */
    public StateRecord getRecord(String name) throws StateException {
        return get(name, StateRecord.class);
    }

    /** The list of records {@code name} (unmodifiable); a {@link StateException} if missing or of another type. */
    @SuppressWarnings("unchecked")
    public List<StateRecord> getRecords(String name) throws StateException {
        return get(name, List.class);
    }

    /** Throws unless this record is of {@code expectedType} at a version in {@code [oldest, newest]}. */
    public void require(String expectedType, int oldest, int newest) throws StateException {
        if (!type.equals(expectedType)) {
            throw new StateException("state of type " + type + " given where " + expectedType + " is needed");
        }
        if (version < oldest || version > newest) {
            throw new StateException(type + " state version " + version + " is not readable here (versions "
                    + oldest + " to " + newest + ")");
        }
    }

    private <T> T get(String name, Class<T> kind) throws StateException {
        Object v = fields.get(name);
        if (v == null) {
            throw new StateException(type + " v" + version + " has no field '" + name + "'");
        }
        if (!kind.isInstance(v)) {
            throw new StateException(type + "." + name + " is " + kindName(v) + ", not " + kind.getSimpleName());
        }
        return kind.cast(v);
    }

    static String kindName(Object v) {
        return v instanceof byte[] ? "bytes" : v.getClass().getSimpleName();
    }

    Map<String, Object> fields() {
        return fields;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof StateRecord r) || !type.equals(r.type) || version != r.version
                || !fields.keySet().equals(r.fields.keySet())) {
            return false;
        }
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            Object other = r.fields.get(e.getKey());
            boolean same = e.getValue() instanceof byte[] a && other instanceof byte[] b ? Arrays.equals(a, b)
                    : e.getValue().equals(other);
            if (!same) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, version, fields.keySet());
    }

    @Override
    public String toString() {
        return type + " v" + version + " " + fields.keySet();
    }

    /** Collects fields; names are unique within a record. */
    public static final class Builder {
        private final String type;
        private final int version;
        private final Map<String, Object> fields = new LinkedHashMap<>();

        private Builder(String type, int version) {
            if (type == null || type.isEmpty() || version < 0 || version > 0xFFFF) {
                throw new IllegalArgumentException("state type '" + type + "' version " + version);
            }
            this.type = type;
            this.version = version;
        }

        private Builder put(String name, Object value) {
            if (name == null || name.isEmpty() || value == null) {
                throw new IllegalArgumentException("state field '" + name + "' of " + type);
            }
            if (fields.putIfAbsent(name, value) != null) {
                throw new IllegalArgumentException("state field '" + name + "' of " + type + " given twice");
            }
            return this;
        }

        /** Adds a {@code long} field; each put fails with IllegalArgumentException on a repeated or empty name. */
        public Builder put(String name, long value) {
            return put(name, (Object) value);
        }

        /** Adds a {@code boolean} field. */
        public Builder put(String name, boolean value) {
            return put(name, (Object) value);
        }

        /** Adds a string field (not null). */
        public Builder put(String name, String value) {
            return put(name, (Object) value);
        }

        /** Adds a bytes field; the record keeps a copy. */
        public Builder put(String name, byte[] value) {
            return put(name, (Object) value.clone());
        }

        /** Adds a nested record. */
        public Builder put(String name, StateRecord value) {
            return put(name, (Object) value);
        }

        /** Adds a list of records; the record keeps an unmodifiable copy. */
        public Builder put(String name, List<StateRecord> value) {
            return put(name, (Object) List.copyOf(value));
        }

        /** The record with the fields added so far, in their order. */
        public StateRecord build() {
            return new StateRecord(type, version, new LinkedHashMap<>(fields));
        }
    }
}
