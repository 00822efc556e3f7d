package io.modvm.accel.kvm;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model-specific registers a vCPU's record carries: those QEMU saves that this KVM can read back. Which of them
 * that is gets settled once per VM, on the first save: an MSR is kept if KVM lists it in KVM_GET_MSR_INDEX_LIST (or
 * it is an MTRR, which KVM emulates without listing) and KVM_GET_MSRS reads it. An MSR left out is named in the
 * record with the reason; the guest cannot have written one that KVM cannot read (its WRMSR would fault).
 */
final class KvmStateMsrs {
    private static final Logger LOG = LoggerFactory.getLogger(KvmStateMsrs.class);
    /** One MSR a record may carry. */
    record Msr(int index, String name, boolean unlisted) {
    }

    static final int TSC_DEADLINE = 0x6E0;
    private static final int TSC = 0x10;
    /** A TSC read back this far (in cycles, a few seconds) from the value written was not taken. */
    private static final long TSC_TOLERANCE = 10_000_000_000L;
    /** IA32_ARCH_CAPABILITIES: some KVMs (this project's PVM among them) refuse to set it; never saved. */
    private static final int ARCH_CAPABILITIES = 0x10A;

    private static final List<Msr> CANDIDATES = candidates();

    private final Set<Integer> listed;
    private List<Msr> chosen;
    private String skipped;

    /** @param listed the MSR indexes from KVM_GET_MSR_INDEX_LIST */
    KvmStateMsrs(Set<Integer> listed) {
        this.listed = listed;
    }

    private static List<Msr> candidates() {
        List<Msr> l = new ArrayList<>();
        Object[] named = {0x174, "IA32_SYSENTER_CS", 0x175, "IA32_SYSENTER_ESP", 0x176, "IA32_SYSENTER_EIP",
            0xC0000081, "STAR", 0xC0000082, "LSTAR", 0xC0000083, "CSTAR", 0xC0000084, "FMASK",
            0xC0000102, "KERNEL_GS_BASE", 0xC0000103, "TSC_AUX", 0x3B, "IA32_TSC_ADJUST", 0x10, "IA32_TSC",
            0x277, "IA32_PAT", 0x1A0, "IA32_MISC_ENABLE", 0x48, "IA32_SPEC_CTRL", 0xDA0, "IA32_XSS",
            0x4B564D00, "KVM_WALL_CLOCK_NEW", 0x4B564D01, "KVM_SYSTEM_TIME_NEW", 0x11, "KVM_WALL_CLOCK",
            0x12, "KVM_SYSTEM_TIME", 0x4B564D02, "KVM_ASYNC_PF_EN", 0x4B564D06, "KVM_ASYNC_PF_INT",
            0x4B564D03, "KVM_STEAL_TIME", 0x4B564D04, "KVM_PV_EOI_EN", 0x4B564D05, "KVM_POLL_CONTROL",
            0x17A, "IA32_MCG_STATUS", 0x17B, "IA32_MCG_CTL", TSC_DEADLINE, "IA32_TSC_DEADLINE"};
        for (int i = 0; i < named.length; i += 2) {
            l.add(new Msr((Integer) named[i], (String) named[i + 1], false));
        }
        l.add(new Msr(0x2FF, "MTRR_DEF_TYPE", true));
        l.add(new Msr(0x250, "MTRR_FIX64K_00000", true));
        l.add(new Msr(0x258, "MTRR_FIX16K_80000", true));
        l.add(new Msr(0x259, "MTRR_FIX16K_A0000", true));
        for (int i = 0; i < 8; i++) {
            l.add(new Msr(0x268 + i, String.format("MTRR_FIX4K_%05X", 0xC0000 + i * 0x8000), true));
        }
        for (int i = 0; i < 8; i++) {
            l.add(new Msr(0x200 + 2 * i, "MTRR_PHYSBASE" + i, true));
            l.add(new Msr(0x201 + 2 * i, "MTRR_PHYSMASK" + i, true));
        }
        return List.copyOf(l);
    }

    /** The indexes KVM_GET_MSR_INDEX_LIST gives on the system fd {@code systemFd}. */
    static Set<Integer> indexList(int systemFd) throws AcceleratorException {
        return KvmCall.readList(256, 16384, 4, 4, list -> {
            LibC.ioctl(systemFd, KvmIoctl.GET_MSR_INDEX_LIST, list);
            Set<Integer> indexes = new HashSet<>();
            for (int i = 0; i < list.getInt(0); i++) {
                indexes.add(list.getInt(4 + 4L * i));
            }
            return Set.copyOf(indexes);
        }, "cannot list KVM's MSRs (KVM_GET_MSR_INDEX_LIST)", "KVM lists more than 16384 MSRs");
    }

    /** Decides once, on the first vCPU saved, which candidates this VM's records carry. */
    private synchronized List<Msr> chosen(int vcpuFd) {
        if (chosen != null) {
            return chosen;
        }
        List<Msr> keep = new ArrayList<>();
        List<String> left = new ArrayList<>();
        for (Msr m : CANDIDATES) {
            if (m.index() == ARCH_CAPABILITIES) {
                continue;
            }
            if (!m.unlisted() && !listed.contains(m.index())) {
                left.add(name(m) + " not listed by this KVM");
            } else if (read(vcpuFd, List.of(m)) == null) {
                left.add(name(m) + " refused by KVM_GET_MSRS");
            } else {
                keep.add(m);
            }
        }
        chosen = List.copyOf(keep);
        skipped = String.join("; ", left);
        return chosen;
    }

    private static String name(Msr m) {
        return String.format("%s (0x%x)", m.name(), m.index());
    }

    /** Why MSRs were left out of this VM's records (empty if none was); valid after the first save. */
    synchronized String skipped() {
        return skipped == null ? "" : skipped;
    }

    /** The values of {@code msrs}, or null if KVM read fewer than all of them. */
    private static long[] read(int vcpuFd, List<Msr> msrs) {
        try (Memory buffer = buffer(msrs)) {
            int got = LibC.ioctl(vcpuFd, KvmIoctl.GET_MSRS, buffer);
            if (got != msrs.size()) {
                return null;
            }
            long[] values = new long[msrs.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = buffer.getLong(8 + 16L * i + 8);
            }
            return values;
        } catch (LastErrorException e) {
            return null;
        }
    }

    private static Memory buffer(List<Msr> msrs) {
        Memory buffer = new Memory(8 + 16L * msrs.size());
        buffer.clear();
        buffer.setInt(0, msrs.size());
        for (int i = 0; i < msrs.size(); i++) {
            buffer.setInt(8 + 16L * i, msrs.get(i).index());
        }
        return buffer;
    }

    /** The vCPU's MSRs as {@code msr} records (index, name, value). */
    List<StateRecord> save(int vcpuFd, String who) throws AcceleratorException {
        List<Msr> msrs = chosen(vcpuFd);
        long[] values = read(vcpuFd, msrs);
        if (values == null) {
            throw new AcceleratorException("cannot save " + who + " MSRs (KVM_GET_MSRS): KVM read fewer than the "
                    + msrs.size() + " it read before");
        }
        List<StateRecord> out = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            out.add(StateRecord.builder("msr", 1).put("index", Integer.toUnsignedLong(msrs.get(i).index()))
                    .put("name", msrs.get(i).name()).put("value", values[i]).build());
        }
        return out;
    }

    /**
     * Writes the MSRs of {@code records} whose index is (or, with {@code deadline} false, is not) the TSC deadline:
     * that one only holds once the local APIC is in TSC-deadline mode, so it goes after the LAPIC.
     */
    static void restore(int vcpuFd, List<StateRecord> records, boolean deadline, String who)
            throws AcceleratorException {
        List<Msr> msrs = new ArrayList<>();
        List<Long> values = new ArrayList<>();
        try {
            for (StateRecord r : records) {
                r.require("msr", 1, 1);
                int index = (int) r.getLong("index");
                if ((index == TSC_DEADLINE) == deadline) {
                    msrs.add(new Msr(index, r.getString("name"), false));
                    values.add(r.getLong("value"));
                }
            }
        } catch (StateException e) {
            throw KvmCall.unreadable("cannot restore " + who + " MSRs", e);
        }
        if (msrs.isEmpty()) {
            return;
        }
        try (Memory buffer = buffer(msrs)) {
            for (int i = 0; i < msrs.size(); i++) {
                buffer.setLong(8 + 16L * i + 8, values.get(i));
            }
            int set = KvmCall.ioctl(vcpuFd, KvmIoctl.SET_MSRS, buffer, "cannot restore " + who + " MSRs",
                    "KVM_SET_MSRS");
            if (set != msrs.size()) {
                throw new AcceleratorException("cannot restore " + who + " MSR " + name(msrs.get(set))
                        + " (KVM_SET_MSRS): KVM refused the value " + Long.toHexString(values.get(set)));
            }
        }
        int tsc = indexOf(msrs, TSC);
        if (tsc >= 0) {
            checkTsc(vcpuFd, values.get(tsc), who);
        }
    }

    private static int indexOf(List<Msr> msrs, int index) {
        for (int i = 0; i < msrs.size(); i++) {
            if (msrs.get(i).index() == index) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Some KVMs accept a TSC write and keep the host's TSC (this project's PVM does): the guest's TSC then jumps
     * across a restore. Nothing here can change that; the log says so, since the kvm-clock (restored through the
     * VM's clock) is what a Linux guest keeps time with.
     */
    private static void checkTsc(int vcpuFd, long written, String who) {
        long[] read = read(vcpuFd, List.of(new Msr(TSC, "IA32_TSC", false)));
        if (read != null && Math.abs(read[0] - written) > TSC_TOLERANCE) {
            LOG.warn("{}: this KVM did not take the restored TSC ({} cycles off): the guest's TSC follows the host's",
                    who, read[0] - written);
        }
    }
}
