package io.modvm.accel.kvm;

import com.sun.jna.Memory;
import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.accel.CpuidEntry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The CPUID table guests see: what KVM supports on this host, with each vCPU's APIC ID filled in and the
 * hypervisor bit set.
 */
final class KvmCpuid {
    private static final int ENTRY_SIZE = 40;
    private static final int HEADER = 8;

    private final byte[] entries;
    private final int count;

    private KvmCpuid(byte[] entries, int count) {
        this.entries = entries;
        this.count = count;
    }

    static KvmCpuid supported(int systemFd) throws AcceleratorException {
        return KvmCall.readList(128, 4096, HEADER, ENTRY_SIZE, table -> {
            LibC.ioctl(systemFd, KvmIoctl.GET_SUPPORTED_CPUID, table);
            int n = table.getInt(0);
            return new KvmCpuid(table.getByteArray(HEADER, n * ENTRY_SIZE), n);
        }, "cannot read KVM's supported CPUID", "KVM's supported CPUID table is larger than 4096 entries");
    }

    /** The entries every vCPU gets, as {@link #applyTo} gives them to vCPU 0 (APIC ID 0, hypervisor bit set). */
    List<CpuidEntry> entries() {
        ByteBuffer b = ByteBuffer.wrap(entries).order(ByteOrder.LITTLE_ENDIAN);
        List<CpuidEntry> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int at = i * ENTRY_SIZE;
            int function = b.getInt(at);
            int ebx = b.getInt(at + 16);
            int ecx = b.getInt(at + 20);
            int edx = b.getInt(at + 24);
            if (function == 1) {
                ebx &= 0x00FFFFFF;
                ecx |= 1 << 31;
            } else if (function == 0xB || function == 0x1F) {
                edx = 0;
            }
            list.add(new CpuidEntry(function, b.getInt(at + 4), b.getInt(at + 8), b.getInt(at + 12), ebx, ecx, edx));
        }
        return list;
    }

    void applyTo(int vcpuFd, int apicId) {
        try (Memory table = new Memory(HEADER + (long) count * ENTRY_SIZE)) {
            table.setInt(0, count);
            table.setInt(4, 0);
            table.write(HEADER, entries, 0, entries.length);
            for (int i = 0; i < count; i++) {
                long at = HEADER + (long) i * ENTRY_SIZE;
                int function = table.getInt(at);
                if (function == 1) {
                    int ebx = table.getInt(at + 16);
                    table.setInt(at + 16, (ebx & 0x00FFFFFF) | apicId << 24);
                    table.setInt(at + 20, table.getInt(at + 20) | 1 << 31);
                } else if (function == 0xB || function == 0x1F) {
                    table.setInt(at + 24, apicId); // EDX: the x2APIC ID
                }
            }
            LibC.ioctl(vcpuFd, KvmIoctl.SET_CPUID2, table);
        }
    }
}
