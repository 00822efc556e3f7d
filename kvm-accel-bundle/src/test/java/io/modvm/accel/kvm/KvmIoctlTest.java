package io.modvm.accel.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The computed request numbers must equal the ones linux/kvm.h yields on x86-64. */
class KvmIoctlTest {
    @Test
    void requestNumbersMatchTheKernelHeaders() {
        assertEquals(0xAE80L, KvmIoctl.RUN);
        assertEquals(0x4020AE46L, KvmIoctl.SET_USER_MEMORY_REGION);
        assertEquals(0x8090AE81L, KvmIoctl.GET_REGS);
        assertEquals(0x4090AE82L, KvmIoctl.SET_REGS);
        assertEquals(0x8138AE83L, KvmIoctl.GET_SREGS);
        assertEquals(0x4138AE84L, KvmIoctl.SET_SREGS);
        assertEquals(0xC008AE05L, KvmIoctl.GET_SUPPORTED_CPUID);
        assertEquals(0x4008AE90L, KvmIoctl.SET_CPUID2);
        assertEquals(0x4040AE79L, KvmIoctl.IOEVENTFD);
        assertEquals(0x4020AE76L, KvmIoctl.IRQFD);
        assertEquals(0x4040AE77L, KvmIoctl.CREATE_PIT2);
        assertEquals(0x41A0AE8DL, KvmIoctl.SET_FPU);
        assertEquals(0x4004AE8BL, KvmIoctl.SET_SIGNAL_MASK);
        assertEquals(0x8400AE8EL, KvmIoctl.GET_LAPIC);
        // The state and dirty-log requests, as printed by a C program including linux/kvm.h.
        assertEquals(0xC004AE02L, KvmIoctl.GET_MSR_INDEX_LIST);
        assertEquals(0xC008AE88L, KvmIoctl.GET_MSRS);
        assertEquals(0x81A0AE8CL, KvmIoctl.GET_FPU);
        assertEquals(0x8004AE98L, KvmIoctl.GET_MP_STATE);
        assertEquals(0x4004AE99L, KvmIoctl.SET_MP_STATE);
        assertEquals(0x8040AE9FL, KvmIoctl.GET_VCPU_EVENTS);
        assertEquals(0x4040AEA0L, KvmIoctl.SET_VCPU_EVENTS);
        assertEquals(0x8080AEA1L, KvmIoctl.GET_DEBUGREGS);
        assertEquals(0x4080AEA2L, KvmIoctl.SET_DEBUGREGS);
        assertEquals(0x9000AEA4L, KvmIoctl.GET_XSAVE);
        assertEquals(0x5000AEA5L, KvmIoctl.SET_XSAVE);
        assertEquals(0x9000AECFL, KvmIoctl.GET_XSAVE2);
        assertEquals(0x8188AEA6L, KvmIoctl.GET_XCRS);
        assertEquals(0x4188AEA7L, KvmIoctl.SET_XCRS);
        assertEquals(0xC208AE62L, KvmIoctl.GET_IRQCHIP);
        assertEquals(0x8208AE63L, KvmIoctl.SET_IRQCHIP);
        assertEquals(0x8070AE9FL, KvmIoctl.GET_PIT2);
        assertEquals(0x4070AEA0L, KvmIoctl.SET_PIT2);
        assertEquals(0x8030AE7CL, KvmIoctl.GET_CLOCK);
        assertEquals(0x4030AE7BL, KvmIoctl.SET_CLOCK);
        assertEquals(0x4010AE42L, KvmIoctl.GET_DIRTY_LOG);
        assertEquals(0xC018AEC0L, KvmIoctl.CLEAR_DIRTY_LOG);
        assertEquals(0x4068AEA3L, KvmIoctl.ENABLE_CAP);
    }
}
