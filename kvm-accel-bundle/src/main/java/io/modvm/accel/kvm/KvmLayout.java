package io.modvm.accel.kvm;

import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The named integer fields of a fixed KVM structure (vCPU events, PIC, PIT channel...), so that a state record
 * carries them by name rather than as an opaque blob.
 */
final class KvmLayout {
    private record Field(String name, int offset, int size) {
    }

    private final List<Field> fields;

    private KvmLayout(List<Field> fields) {
        this.fields = fields;
    }

    /** @param nameOffsetSize triples: field name, byte offset, size in bytes (1, 2, 4 or 8) */
    static KvmLayout of(Object... nameOffsetSize) {
        List<Field> fields = new ArrayList<>();
        for (int i = 0; i < nameOffsetSize.length; i += 3) {
            fields.add(new Field((String) nameOffsetSize[i], (Integer) nameOffsetSize[i + 1],
                    (Integer) nameOffsetSize[i + 2]));
        }
        return new KvmLayout(List.copyOf(fields));
    }

    /** Adds each field of the structure at {@code base} to {@code out} (unsigned, except 8-byte fields). */
    void save(ByteBuffer b, int base, StateRecord.Builder out) {
        for (Field f : fields) {
            int at = base + f.offset();
            out.put(f.name(), switch (f.size()) {
                case 1 -> b.get(at) & 0xFFL;
                case 2 -> b.getShort(at) & 0xFFFFL;
                case 4 -> b.getInt(at) & 0xFFFFFFFFL;
                default -> b.getLong(at);
            });
        }
    }

    /** Writes each field of {@code in} into the structure at {@code base}. */
    void load(StateRecord in, ByteBuffer b, int base) throws StateException {
        for (Field f : fields) {
            long v = in.getLong(f.name());
            int at = base + f.offset();
            switch (f.size()) {
                case 1 -> b.put(at, (byte) v);
                case 2 -> b.putShort(at, (short) v);
                case 4 -> b.putInt(at, (int) v);
                default -> b.putLong(at, v);
            }
        }
    }
}
