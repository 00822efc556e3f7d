package io.modvm.core.acpi;

import io.modvm.api.memory.GuestMemory;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The Intel MultiProcessor Specification 1.4 tables: a floating pointer and a configuration table listing the
 * CPUs, one ISA bus, the IOAPIC and the routing of the 16 ISA interrupts. Kernels booted with {@code acpi=off}
 * find their CPUs here.
 */
public final class MpTable {
    private MpTable() {
    }

    static final int ENTRY_PROCESSOR = 0;
    static final int ENTRY_BUS = 1;
    static final int ENTRY_IOAPIC = 2;
    static final int ENTRY_IO_INTERRUPT = 3;
    static final int ENTRY_LOCAL_INTERRUPT = 4;

    public static void write(GuestMemory memory, int vcpus) {
        byte[] table = configTable(vcpus);
        long pointer = PcPlatform.MP_AREA;
        long config = pointer + 16;
        if (16 + table.length > PcPlatform.MP_AREA_SIZE) {
            throw new IllegalStateException("MP table for " + vcpus + " CPUs overflows the EBDA");
        }
        memory.write(pointer, floatingPointer(config), 0, 16);
        memory.write(config, table, 0, table.length);
    }

    static byte[] floatingPointer(long config) {
        byte[] p = new byte[16];
        ByteBuffer b = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
        b.put("_MP_".getBytes(StandardCharsets.US_ASCII));
        b.putInt((int) config);
        b.put((byte) 1); // length in 16-byte units
        b.put((byte) 4); // spec revision 1.4
        p[10] = AcpiTable.checksum(p, 0, 16);
        return p;
    }

    static byte[] configTable(int vcpus) {
        ByteArrayOutputStream entries = new ByteArrayOutputStream();
        int count = 0;
        int ioapicId = vcpus;
        for (int cpu = 0; cpu < vcpus; cpu++) {
            ByteBuffer e = entry(20);
            e.put((byte) ENTRY_PROCESSOR).put((byte) cpu).put((byte) 0x14);
            e.put((byte) (cpu == 0 ? 3 : 1)); // enabled; the first is the bootstrap processor
            e.putInt(0x600).putInt(0x201); // family 6 signature; FPU and APIC feature flags
            entries.writeBytes(e.array());
            count++;
        }
        ByteBuffer bus = entry(8);
        bus.put((byte) ENTRY_BUS).put((byte) 0).put("ISA   ".getBytes(StandardCharsets.US_ASCII));
        entries.writeBytes(bus.array());
        count++;
        ByteBuffer ioapic = entry(8);
        ioapic.put((byte) ENTRY_IOAPIC).put((byte) ioapicId).put((byte) 0x11).put((byte) 1)
                .putInt((int) PcPlatform.IOAPIC_ADDRESS);
        entries.writeBytes(ioapic.array());
        count++;
        for (int irq = 0; irq < 16; irq++) {
            ByteBuffer e = entry(8);
            int pin = irq == 0 ? 2 : irq; // the PIT's IRQ 0 is wired to pin 2, as on every PC
            int flags = irq == PcPlatform.SCI_IRQ ? 0xD : 0; // the SCI is level-triggered, active high
            e.put((byte) ENTRY_IO_INTERRUPT).put((byte) 0).putShort((short) flags).put((byte) 0)
                    .put((byte) irq).put((byte) ioapicId).put((byte) pin);
            entries.writeBytes(e.array());
            count++;
        }
        ByteBuffer extint = entry(8);
        extint.put((byte) ENTRY_LOCAL_INTERRUPT).put((byte) 3).putShort((short) 0).put((byte) 0).put((byte) 0)
                .put((byte) 0xFF).put((byte) 0); // ExtINT on LINT0
        entries.writeBytes(extint.array());
        ByteBuffer nmi = entry(8);
        nmi.put((byte) ENTRY_LOCAL_INTERRUPT).put((byte) 1).putShort((short) 0).put((byte) 0).put((byte) 0)
                .put((byte) 0xFF).put((byte) 1); // NMI on LINT1
        entries.writeBytes(nmi.array());
        count += 2;

        byte[] body = entries.toByteArray();
        byte[] table = new byte[44 + body.length];
        ByteBuffer h = ByteBuffer.wrap(table).order(ByteOrder.LITTLE_ENDIAN);
        h.put("PCMP".getBytes(StandardCharsets.US_ASCII));
        h.putShort((short) table.length);
        h.put((byte) 4);
        h.put((byte) 0);
        h.put("MODVM   ".getBytes(StandardCharsets.US_ASCII));
        h.put("PC          ".getBytes(StandardCharsets.US_ASCII));
        h.putInt(0);
        h.putShort((short) 0);
        h.putShort((short) count);
        h.putInt((int) PcPlatform.LAPIC_ADDRESS);
        h.putShort((short) 0);
        h.put((byte) 0);
        h.put((byte) 0);
        h.put(body);
        table[7] = AcpiTable.checksum(table, 0, table.length);
        return table;
    }

    private static ByteBuffer entry(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
