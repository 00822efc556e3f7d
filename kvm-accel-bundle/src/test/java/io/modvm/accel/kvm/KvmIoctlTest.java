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
    }
}
