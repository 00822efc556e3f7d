package io.modvm.accel.kvm;

import com.sun.jna.Memory;
import io.modvm.api.accel.BootState;
import io.modvm.api.accel.CpuMode;
import io.modvm.api.accel.RegisterDump;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Layouts of struct kvm_regs, kvm_sregs and kvm_fpu, and the register values each boot mode starts with.
 */
final class KvmRegs {
    private KvmRegs() {
    }

    static final int REGS_SIZE = 18 * 8;
    static final int SREGS_SIZE = 8 * 24 + 2 * 16 + 7 * 8 + 4 * 8;
    static final int FPU_SIZE = 416;

    static final String[] GPR_NAMES = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rsp", "rbp", "r8", "r9",
        "r10", "r11", "r12", "r13", "r14", "r15", "rip", "rflags"};
    private static final int RSI = 4;
    private static final int RSP = 6;
    private static final int RBX = 1;
    private static final int RIP = 16;
    private static final int RFLAGS = 17;

    private static final int SEG_SIZE = 24;
    private static final int CS = 0;
    private static final int DS = 1;
    private static final int ES = 2;
    private static final int FS = 3;
    private static final int GS = 4;
    private static final int SS = 5;
    private static final int TR = 6;
    private static final int LDT = 7;
    private static final int GDT_OFFSET = 8 * SEG_SIZE;
    private static final int IDT_OFFSET = GDT_OFFSET + 16;
    private static final int CR0_OFFSET = IDT_OFFSET + 16;
    private static final int CR3_OFFSET = CR0_OFFSET + 16;
    private static final int CR4_OFFSET = CR0_OFFSET + 24;
    private static final int EFER_OFFSET = CR0_OFFSET + 40;

    private static final long CR0_PE = 1;
    private static final long CR0_ET = 0x10;
    private static final long CR0_NE = 0x20;
    private static final long CR0_PG = 0x80000000L;
    /** CD and NW, set after reset: caches off until the firmware turns them on. */
    private static final long RESET_CR0_CD_NW = 0x6000_0000L;
    private static final long CR4_PAE = 0x20;
    private static final long EFER_LME = 0x100;
    private static final long EFER_LMA = 0x400;

    static ByteBuffer buffer(Memory memory) {
        return memory.getByteBuffer(0, memory.size()).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Fills kvm_regs for a boot: only RIP, RSP, RSI, RBX and the reserved RFLAGS bit are non-zero. */
    static void writeBootRegs(ByteBuffer regs, BootState state) {
        for (int i = 0; i < GPR_NAMES.length; i++) {
            regs.putLong(i * 8, 0);
        }
        regs.putLong(RIP * 8, state.entry());
        regs.putLong(RSP * 8, state.stackPointer());
        regs.putLong(RSI * 8, state.rsi());
        regs.putLong(RBX * 8, state.rbx());
        regs.putLong(RFLAGS * 8, 2);
        if (state.mode() == CpuMode.REAL) {
            regs.putLong(RIP * 8, state.entry() - realModeCodeBase(state.entry()));
        } else if (state.mode() == CpuMode.RESET) {
            regs.putLong(RIP * 8, RESET_IP);
            regs.putLong(RSP * 8, 0);
        }
    }

    /** IP after reset; with {@link #RESET_CS_BASE} the first fetch is at 0xFFFFFFF0. */
    private static final long RESET_IP = 0xFFF0;
    /** CS base after reset: not selector * 16 until the first far jump loads CS. */
    private static final long RESET_CS_BASE = 0xFFFF_0000L;

    private static long realModeCodeBase(long entry) {
        return (entry >> 4 & 0xF000L) << 4;
    }

    /**
     * Rewrites the segment, descriptor-table and control registers of a kvm_sregs (read from the vCPU first, so
     * that the APIC base and interrupt bitmap stay as KVM set them).
     */
    static void writeBootSregs(ByteBuffer sregs, BootState state) {
        switch (state.mode()) {
            case REAL -> {
                long base = realModeCodeBase(state.entry());
                segment(sregs, CS, base, 0xFFFF, (int) (base >> 4), 0xB, false, false, false);
                for (int seg : new int[] {DS, ES, FS, GS, SS}) {
                    segment(sregs, seg, 0, 0xFFFF, 0, 0x3, false, false, false);
                }
                sregs.putLong(CR0_OFFSET, CR0_ET);
                sregs.putLong(CR4_OFFSET, 0);
                sregs.putLong(EFER_OFFSET, 0);
            }
            case RESET -> {
                segment(sregs, CS, RESET_CS_BASE, 0xFFFF, 0xF000, 0xB, false, false, false);
                for (int seg : new int[] {DS, ES, FS, GS, SS}) {
                    segment(sregs, seg, 0, 0xFFFF, 0, 0x3, false, false, false);
                }
                sregs.putLong(CR0_OFFSET, CR0_ET | RESET_CR0_CD_NW);
                sregs.putLong(CR4_OFFSET, 0);
                sregs.putLong(EFER_OFFSET, 0);
            }
            case PROTECTED -> {
                segment(sregs, CS, 0, 0xFFFFFFFFL, BootState.CODE_SELECTOR, 0xB, true, true, false);
                for (int seg : new int[] {DS, ES, FS, GS, SS}) {
                    segment(sregs, seg, 0, 0xFFFFFFFFL, BootState.DATA_SELECTOR, 0x3, true, true, false);
                }
                sregs.putLong(CR0_OFFSET, CR0_PE | CR0_ET);
                sregs.putLong(CR4_OFFSET, 0);
                sregs.putLong(EFER_OFFSET, 0);
            }
            case LONG -> {
                segment(sregs, CS, 0, 0xFFFFFFFFL, BootState.CODE_SELECTOR, 0xB, false, true, true);
                for (int seg : new int[] {DS, ES, FS, GS, SS}) {
                    segment(sregs, seg, 0, 0xFFFFFFFFL, BootState.DATA_SELECTOR, 0x3, true, true, false);
                }
                sregs.putLong(CR0_OFFSET, CR0_PE | CR0_ET | CR0_NE | CR0_PG);
                sregs.putLong(CR3_OFFSET, state.pageTableRoot());
                sregs.putLong(CR4_OFFSET, CR4_PAE);
                sregs.putLong(EFER_OFFSET, EFER_LME | EFER_LMA);
            }
        }
        // A busy TSS and an LDT descriptor: VMX refuses entry with a null task register even in real mode.
        segment(sregs, TR, 0, 0xFFFF, 0, 0xB, false, false, false);
        segment(sregs, LDT, 0, 0xFFFF, 0, 0x2, false, false, false);
        sregs.putLong(GDT_OFFSET, state.gdtBase());
        sregs.putShort(GDT_OFFSET + 8, (short) state.gdtLimit());
        sregs.putLong(IDT_OFFSET, 0);
        // After reset the real-mode interrupt table at 0 is reachable (limit 0xFFFF), as firmware expects.
        sregs.putShort(IDT_OFFSET + 8, (short) (state.mode() == CpuMode.RESET ? 0xFFFF : 0));
    }

    private static void segment(ByteBuffer sregs, int index, long base, long limit, int selector, int type,
            boolean db, boolean granular, boolean longMode) {
        int at = index * SEG_SIZE;
        sregs.putLong(at, base);
        sregs.putInt(at + 8, (int) limit);
        sregs.putShort(at + 12, (short) selector);
        sregs.put(at + 14, (byte) type);
        sregs.put(at + 15, (byte) 1); // present
        sregs.put(at + 16, (byte) 0); // dpl
        sregs.put(at + 17, (byte) (db ? 1 : 0));
        sregs.put(at + 18, (byte) (index == TR || index == LDT ? 0 : 1)); // s: code/data, not system
        sregs.put(at + 19, (byte) (longMode ? 1 : 0));
        sregs.put(at + 20, (byte) (granular ? 1 : 0));
        sregs.put(at + 21, (byte) 0); // avl
        sregs.put(at + 22, (byte) 0); // unusable
    }

    /** The x87 and SSE control words a CPU has after reset (all exceptions masked). */
    static void writeBootFpu(ByteBuffer fpu) {
        for (int i = 0; i < FPU_SIZE; i += 8) {
            fpu.putLong(i, 0);
        }
        fpu.putShort(128, (short) 0x37F);
        fpu.putInt(408, 0x1F80);
    }

    static RegisterDump dump(ByteBuffer regs, ByteBuffer sregs) {
        Map<String, Long> values = new LinkedHashMap<>();
        values.put("rip", regs.getLong(RIP * 8));
        values.put("rsp", regs.getLong(RSP * 8));
        values.put("rflags", regs.getLong(RFLAGS * 8));
        for (int i = 0; i < 16; i++) {
            if (i != RSP) {
                values.put(GPR_NAMES[i], regs.getLong(i * 8));
            }
        }
        values.put("cr0", sregs.getLong(CR0_OFFSET));
        values.put("cr2", sregs.getLong(CR0_OFFSET + 8));
        values.put("cr3", sregs.getLong(CR3_OFFSET));
        values.put("cr4", sregs.getLong(CR4_OFFSET));
        values.put("efer", sregs.getLong(EFER_OFFSET));
        values.put("cs", (long) (sregs.getShort(CS * SEG_SIZE + 12) & 0xFFFF));
        values.put("cs.base", sregs.getLong(CS * SEG_SIZE));
        values.put("ss", (long) (sregs.getShort(SS * SEG_SIZE + 12) & 0xFFFF));
        values.put("gdt.base", sregs.getLong(GDT_OFFSET));
        values.put("idt.base", sregs.getLong(IDT_OFFSET));
        return new RegisterDump(values);
    }
}
