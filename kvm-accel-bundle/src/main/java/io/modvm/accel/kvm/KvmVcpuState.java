package io.modvm.accel.kvm;

import com.sun.jna.Memory;
import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A KVM vCPU's whole state as the {@value #TYPE} record (version {@value #VERSION}): general registers, segment,
 * descriptor-table and control registers by name; the FPU/SSE/AVX state as the XSAVE area (or the legacy FPU
 * area where KVM has no XSAVE); XCRs; MSRs ({@link KvmStateMsrs}); pending events; debug registers; the local
 * APIC's register page; the multiprocessing state.
 *
 * <p>Restored in QEMU 7.2's order: its APIC device puts the APIC base and then the LAPIC page (the page's ID
 * register reads differently in x2APIC mode, which the base selects), and kvm_arch_put_registers then puts special
 * registers (where KVM keeps the APIC base), general registers, XSAVE, XCRs, MSRs, events, MP state, the TSC
 * deadline (which only holds once the LAPIC is in that mode) and debug registers. Here the special registers carry
 * the APIC base, so they go first and the LAPIC right after them.
 */
final class KvmVcpuState {
    static final String TYPE = "kvm-vcpu";
    static final int VERSION = 1;

    private static final String[] SEGMENTS = {"cs", "ds", "es", "fs", "gs", "ss", "tr", "ldt"};
    private static final int SEG_SIZE = 24;
    private static final int GDT = 192;
    private static final int IDT = 208;
    private static final int CR0 = 224;
    private static final String[] CONTROL = {"cr0", "cr2", "cr3", "cr4", "cr8", "efer", "apic_base"};
    private static final int INTERRUPT_BITMAP = 280;
    private static final int INTERRUPT_BITMAP_SIZE = 32;

    private static final KvmLayout SEGMENT = KvmLayout.of("base", 0, 8, "limit", 8, 4, "selector", 12, 2,
            "type", 14, 1, "present", 15, 1, "dpl", 16, 1, "db", 17, 1, "s", 18, 1, "l", 19, 1, "g", 20, 1,
            "avl", 21, 1, "unusable", 22, 1);
    /** A fixed KVM structure carried as a record of named fields, with the ioctls that read and write it. */
    private record NamedPart(String type, KvmLayout layout, int size, long get, long set, String part, String ioctl) {
    }

    private static final NamedPart EVENTS_PART = new NamedPart("kvm-vcpu-events", KvmLayout.of(
            "exception.injected", 0, 1, "exception.nr", 1, 1, "exception.has_error_code", 2, 1,
            "exception.pending", 3, 1, "exception.error_code", 4, 4, "interrupt.injected", 8, 1,
            "interrupt.nr", 9, 1, "interrupt.soft", 10, 1, "interrupt.shadow", 11, 1, "nmi.injected", 12, 1,
            "nmi.pending", 13, 1, "nmi.masked", 14, 1, "sipi_vector", 16, 4, "flags", 20, 4, "smi.smm", 24, 1,
            "smi.pending", 25, 1, "smi.smm_inside_nmi", 26, 1, "smi.latched_init", 27, 1,
            "triple_fault.pending", 28, 1, "exception_has_payload", 55, 1, "exception_payload", 56, 8), 64,
            KvmIoctl.GET_VCPU_EVENTS, KvmIoctl.SET_VCPU_EVENTS, "pending events", "VCPU_EVENTS");
    /** The flags field of kvm_vcpu_events: what KVM is to take from the structure. */
    private static final int EVENTS_FLAGS = 20;
    /** NMI_PENDING, SIPI_VECTOR, SHADOW, SMM, PAYLOAD, TRIPLE_FAULT: the flags a restore may pass back. */
    private static final int EVENTS_VALID = 0x3F;
    /** NMI_PENDING | SIPI_VECTOR | SHADOW: always restored. */
    private static final int EVENTS_SET = 0x7;
    /** kvm_debugregs; its flags field must be zero when set, and is left out. */
    private static final NamedPart DEBUGREGS_PART = new NamedPart("kvm-debugregs", KvmLayout.of("db0", 0, 8,
            "db1", 8, 8, "db2", 16, 8, "db3", 24, 8, "dr6", 32, 8, "dr7", 40, 8), 128, KvmIoctl.GET_DEBUGREGS,
            KvmIoctl.SET_DEBUGREGS, "debug registers", "DEBUGREGS");

    private final int fd;
    private final int index;
    private final String who;
    private final KvmVmCaps caps;
    private final KvmStateMsrs msrs;

    KvmVcpuState(int fd, int index, KvmVmCaps caps, KvmStateMsrs msrs) {
        this.fd = fd;
        this.index = index;
        this.who = "vCPU " + index;
        this.caps = caps;
        this.msrs = msrs;
    }

    StateRecord save() throws AcceleratorException {
        StateRecord.Builder b = StateRecord.builder(TYPE, VERSION).put("index", index);
        try (Memory regs = get(KvmIoctl.GET_REGS, KvmRegs.REGS_SIZE, "general registers", "KVM_GET_REGS")) {
            ByteBuffer r = KvmRegs.buffer(regs);
            for (int i = 0; i < KvmRegs.GPR_NAMES.length; i++) {
                b.put(KvmRegs.GPR_NAMES[i], r.getLong(8 * i));
            }
        }
        try (Memory sregs = get(KvmIoctl.GET_SREGS, KvmRegs.SREGS_SIZE, "special registers", "KVM_GET_SREGS")) {
            ByteBuffer s = KvmRegs.buffer(sregs);
            for (int i = 0; i < SEGMENTS.length; i++) {
                StateRecord.Builder seg = StateRecord.builder("segment", 1);
                SEGMENT.save(s, i * SEG_SIZE, seg);
                b.put(SEGMENTS[i], seg.build());
            }
            b.put("gdt.base", s.getLong(GDT)).put("gdt.limit", s.getShort(GDT + 8) & 0xFFFF);
            b.put("idt.base", s.getLong(IDT)).put("idt.limit", s.getShort(IDT + 8) & 0xFFFF);
            for (int i = 0; i < CONTROL.length; i++) {
                b.put(CONTROL[i], s.getLong(CR0 + 8 * i));
            }
            byte[] bitmap = new byte[INTERRUPT_BITMAP_SIZE];
            s.get(INTERRUPT_BITMAP, bitmap);
            b.put("interrupt_bitmap", bitmap);
        }
        if (caps.xsaveSize() > 0) {
            long request = caps.xsaveSize() > KvmIoctl.XSAVE_SIZE ? KvmIoctl.GET_XSAVE2 : KvmIoctl.GET_XSAVE;
            try (Memory xsave = get(request, caps.xsaveSize(), "XSAVE area",
                    request == KvmIoctl.GET_XSAVE ? "KVM_GET_XSAVE" : "KVM_GET_XSAVE2")) {
                b.put("xsave", xsave.getByteArray(0, caps.xsaveSize()));
            }
        } else {
            try (Memory fpu = get(KvmIoctl.GET_FPU, KvmRegs.FPU_SIZE, "FPU state", "KVM_GET_FPU")) {
                b.put("fpu", fpu.getByteArray(0, KvmRegs.FPU_SIZE));
            }
        }
        if (caps.xcrs()) {
            try (Memory xcrs = get(KvmIoctl.GET_XCRS, KvmIoctl.XCRS_SIZE, "XCRs", "KVM_GET_XCRS")) {
                List<StateRecord> list = new ArrayList<>();
                for (int i = 0; i < xcrs.getInt(0); i++) {
                    list.add(StateRecord.builder("xcr", 1).put("index", xcrs.getInt(8 + 16L * i) & 0xFFFFFFFFL)
                            .put("value", xcrs.getLong(8 + 16L * i + 8)).build());
                }
                b.put("xcrs", list);
            }
        }
        b.put("msrs", msrs.save(fd, who));
        b.put("skipped_msrs", msrs.skipped());
        if (caps.vcpuEvents()) {
            b.put("events", saveNamed(EVENTS_PART));
        }
        if (caps.debugregs()) {
            b.put("debugregs", saveNamed(DEBUGREGS_PART));
        }
        try (Memory lapic = get(KvmIoctl.GET_LAPIC, 1024, "local APIC", "KVM_GET_LAPIC")) {
            b.put("lapic", lapic.getByteArray(0, 1024));
        }
        try (Memory mp = get(KvmIoctl.GET_MP_STATE, 4, "MP state", "KVM_GET_MP_STATE")) {
            b.put("mp_state", mp.getInt(0) & 0xFFFFFFFFL);
        }
        return b.build();
    }

    private StateRecord saveNamed(NamedPart p) throws AcceleratorException {
        try (Memory m = get(p.get(), p.size(), p.part(), "KVM_GET_" + p.ioctl())) {
            StateRecord.Builder b = StateRecord.builder(p.type(), 1);
            p.layout().save(KvmRegs.buffer(m), 0, b);
            return b.build();
        }
    }

    /** Writes the {@code field} record back, if the saved vCPU had it; a host without the ioctl cannot take it. */
    private void restoreNamed(StateRecord r, String field, NamedPart p, boolean supported)
            throws StateException, AcceleratorException {
        if (!r.has(field)) {
            return;
        }
        if (!supported) {
            throw new AcceleratorException("cannot restore " + who + " " + p.part() + ": this host's KVM has no KVM_SET_"
                    + p.ioctl());
        }
        StateRecord saved = r.getRecord(field);
        saved.require(p.type(), 1, 1);
        try (Memory m = new Memory(p.size())) {
            m.clear();
            ByteBuffer buffer = KvmRegs.buffer(m);
            p.layout().load(saved, buffer, 0);
            if (p == EVENTS_PART) {
                buffer.putInt(EVENTS_FLAGS, (int) (saved.getLong("flags") & EVENTS_VALID | EVENTS_SET));
            }
            set(p.set(), m, p.part(), "KVM_SET_" + p.ioctl());
        }
    }

    private Memory get(long request, int size, String part, String name) throws AcceleratorException {
        Memory m = new Memory(size);
        // Zeroed: KVM_GET_XSAVE2 writes the size KVM_CAP_XSAVE2 gave, whatever the request number says.
        m.clear();
        try {
            KvmCall.ioctl(fd, request, m, "cannot save " + who + " " + part, name);
        } catch (AcceleratorException e) {
            m.close();
            throw e;
        }
        return m;
    }

    void restore(StateRecord r) throws AcceleratorException {
        try {
            r.require(TYPE, 1, VERSION);
            if (r.getLong("index") != index) {
                throw new AcceleratorException("cannot restore " + who + " from the state of vCPU "
                        + r.getLong("index"));
            }
            restoreChecked(r);
        } catch (StateException e) {
            throw KvmCall.unreadable("cannot restore " + who, e);
        }
    }

    private void restoreChecked(StateRecord r) throws StateException, AcceleratorException {
        try (Memory sregs = new Memory(KvmRegs.SREGS_SIZE)) {
            sregs.clear();
            ByteBuffer s = KvmRegs.buffer(sregs);
            for (int i = 0; i < SEGMENTS.length; i++) {
                StateRecord seg = r.getRecord(SEGMENTS[i]);
                seg.require("segment", 1, 1);
                SEGMENT.load(seg, s, i * SEG_SIZE);
            }
            s.putLong(GDT, r.getLong("gdt.base")).putShort(GDT + 8, (short) r.getLong("gdt.limit"));
            s.putLong(IDT, r.getLong("idt.base")).putShort(IDT + 8, (short) r.getLong("idt.limit"));
            for (int i = 0; i < CONTROL.length; i++) {
                s.putLong(CR0 + 8 * i, r.getLong(CONTROL[i]));
            }
            s.put(INTERRUPT_BITMAP, fixed(r.getBytes("interrupt_bitmap"), INTERRUPT_BITMAP_SIZE, "interrupt_bitmap"));
            set(KvmIoctl.SET_SREGS, sregs, "special registers", "KVM_SET_SREGS");
        }
        try (Memory lapic = new Memory(1024)) {
            lapic.write(0, fixed(r.getBytes("lapic"), 1024, "lapic"), 0, 1024);
            set(KvmIoctl.SET_LAPIC, lapic, "local APIC", "KVM_SET_LAPIC");
        }
        try (Memory regs = new Memory(KvmRegs.REGS_SIZE)) {
            ByteBuffer g = KvmRegs.buffer(regs);
            for (int i = 0; i < KvmRegs.GPR_NAMES.length; i++) {
                g.putLong(8 * i, r.getLong(KvmRegs.GPR_NAMES[i]));
            }
            set(KvmIoctl.SET_REGS, regs, "general registers", "KVM_SET_REGS");
        }
        restoreFpu(r);
        if (r.has("xcrs")) {
            if (!caps.xcrs()) {
                throw new AcceleratorException("cannot restore " + who + " XCRs: this host's KVM has no KVM_SET_XCRS");
            }
            List<StateRecord> list = r.getRecords("xcrs");
            try (Memory xcrs = new Memory(KvmIoctl.XCRS_SIZE)) {
                xcrs.clear();
                if (list.size() > 16) {
                    throw new StateException(TYPE + ".xcrs has " + list.size() + " entries, at most 16 fit");
                }
                xcrs.setInt(0, list.size());
                for (int i = 0; i < list.size(); i++) {
                    list.get(i).require("xcr", 1, 1);
                    xcrs.setInt(8 + 16L * i, (int) list.get(i).getLong("index"));
                    xcrs.setLong(8 + 16L * i + 8, list.get(i).getLong("value"));
                }
                set(KvmIoctl.SET_XCRS, xcrs, "XCRs", "KVM_SET_XCRS");
            }
        }
        KvmStateMsrs.restore(fd, r.getRecords("msrs"), false, who);
        restoreNamed(r, "events", EVENTS_PART, caps.vcpuEvents());
        try (Memory mp = new Memory(4)) {
            mp.setInt(0, (int) r.getLong("mp_state"));
            set(KvmIoctl.SET_MP_STATE, mp, "MP state", "KVM_SET_MP_STATE");
        }
        KvmStateMsrs.restore(fd, r.getRecords("msrs"), true, who);
        restoreNamed(r, "debugregs", DEBUGREGS_PART, caps.debugregs());
    }

    /** The XSAVE area, or the legacy FPU area; a record of one kind cannot go to a host of the other. */
    private void restoreFpu(StateRecord r) throws StateException, AcceleratorException {
        if (r.has("xsave")) {
            byte[] area = r.getBytes("xsave");
            if (caps.xsaveSize() == 0) {
                throw new AcceleratorException("cannot restore " + who + " XSAVE area: this host's KVM has no XSAVE");
            }
            if (area.length > caps.xsaveSize()) {
                throw new AcceleratorException("cannot restore " + who + " XSAVE area of " + area.length
                        + " bytes: this host's KVM takes at most " + caps.xsaveSize());
            }
            try (Memory xsave = new Memory(Math.max(caps.xsaveSize(), KvmIoctl.XSAVE_SIZE))) {
                xsave.clear();
                xsave.write(0, area, 0, area.length);
                set(KvmIoctl.SET_XSAVE, xsave, "XSAVE area", "KVM_SET_XSAVE");
            }
        } else {
            try (Memory fpu = new Memory(KvmRegs.FPU_SIZE)) {
                fpu.write(0, fixed(r.getBytes("fpu"), KvmRegs.FPU_SIZE, "fpu"), 0, KvmRegs.FPU_SIZE);
                set(KvmIoctl.SET_FPU, fpu, "FPU state", "KVM_SET_FPU");
            }
        }
    }

    private static byte[] fixed(byte[] value, int size, String field) throws StateException {
        if (value.length != size) {
            throw new StateException(TYPE + "." + field + " has " + value.length + " bytes, not " + size);
        }
        return value;
    }

    private void set(long request, Memory arg, String part, String name) throws AcceleratorException {
        KvmCall.ioctl(fd, request, arg, "cannot restore " + who + " " + part, name);
    }
}
