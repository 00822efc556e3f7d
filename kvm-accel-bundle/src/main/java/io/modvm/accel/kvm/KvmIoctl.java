package io.modvm.accel.kvm;

/** KVM ioctl request numbers and constants for x86-64 (linux/kvm.h). */
final class KvmIoctl {
    private KvmIoctl() {
    }

    private static final int KVMIO = 0xAE;

    private static long io(int nr) {
        return (KVMIO << 8) | nr;
    }

    private static long iow(int nr, int size) {
        return (1L << 30) | ((long) size << 16) | (KVMIO << 8) | nr;
    }

    private static long ior(int nr, int size) {
        return (2L << 30) | ((long) size << 16) | (KVMIO << 8) | nr;
    }

    private static long iowr(int nr, int size) {
        return (3L << 30) | ((long) size << 16) | (KVMIO << 8) | nr;
    }

    static final int API_VERSION = 12;

    static final long GET_API_VERSION = io(0x00);
    static final long CREATE_VM = io(0x01);
    static final long CHECK_EXTENSION = io(0x03);
    static final long GET_VCPU_MMAP_SIZE = io(0x04);
    static final long GET_SUPPORTED_CPUID = iowr(0x05, 8);
    static final long CREATE_VCPU = io(0x41);
    static final long SET_USER_MEMORY_REGION = iow(0x46, 32);
    static final long SET_TSS_ADDR = io(0x47);
    static final long SET_IDENTITY_MAP_ADDR = iow(0x48, 8);
    static final long CREATE_IRQCHIP = io(0x60);
    static final long IRQ_LINE = iow(0x61, 8);
    static final long IRQFD = iow(0x76, 32);
    static final long CREATE_PIT2 = iow(0x77, 64);
    static final long IOEVENTFD = iow(0x79, 64);
    static final long SIGNAL_MSI = iow(0xa5, 32);
    /** The argument is struct kvm_irq_routing: an 8-byte header followed by its entries. */
    static final long SET_GSI_ROUTING = iow(0x6a, 8);
    static final long RUN = io(0x80);
    static final long GET_REGS = ior(0x81, KvmRegs.REGS_SIZE);
    static final long SET_REGS = iow(0x82, KvmRegs.REGS_SIZE);
    static final long GET_SREGS = ior(0x83, KvmRegs.SREGS_SIZE);
    static final long SET_SREGS = iow(0x84, KvmRegs.SREGS_SIZE);
    static final long SET_MSRS = iow(0x89, 8);
    static final long SET_SIGNAL_MASK = iow(0x8b, 4);
    static final long SET_FPU = iow(0x8d, KvmRegs.FPU_SIZE);
    static final long GET_LAPIC = ior(0x8e, 1024);
    static final long SET_LAPIC = iow(0x8f, 1024);
    static final long SET_CPUID2 = iow(0x90, 8);
    static final long GET_MSR_INDEX_LIST = iowr(0x02, 4);
    static final long GET_MSRS = iowr(0x88, 8);
    static final long GET_FPU = ior(0x8c, KvmRegs.FPU_SIZE);
    static final long GET_MP_STATE = ior(0x98, 4);
    static final long SET_MP_STATE = iow(0x99, 4);
    static final long GET_VCPU_EVENTS = ior(0x9f, 64);
    static final long SET_VCPU_EVENTS = iow(0xa0, 64);
    static final long GET_DEBUGREGS = ior(0xa1, 128);
    static final long SET_DEBUGREGS = iow(0xa2, 128);
    static final int XSAVE_SIZE = 4096;
    static final long GET_XSAVE = ior(0xa4, XSAVE_SIZE);
    static final long SET_XSAVE = iow(0xa5, XSAVE_SIZE);
    static final long GET_XSAVE2 = ior(0xcf, XSAVE_SIZE);
    static final int XCRS_SIZE = 392;
    static final long GET_XCRS = ior(0xa6, XCRS_SIZE);
    static final long SET_XCRS = iow(0xa7, XCRS_SIZE);
    static final int IRQCHIP_SIZE = 520;
    static final long GET_IRQCHIP = iowr(0x62, IRQCHIP_SIZE);
    static final long SET_IRQCHIP = ior(0x63, IRQCHIP_SIZE);
    static final int PIT2_SIZE = 112;
    static final long GET_PIT2 = ior(0x9f, PIT2_SIZE);
    static final long SET_PIT2 = iow(0xa0, PIT2_SIZE);
    static final int CLOCK_SIZE = 48;
    static final long GET_CLOCK = ior(0x7c, CLOCK_SIZE);
    static final long SET_CLOCK = iow(0x7b, CLOCK_SIZE);
    static final long GET_DIRTY_LOG = iow(0x42, 16);
    static final long CLEAR_DIRTY_LOG = iowr(0xc0, 24);
    static final long ENABLE_CAP = iow(0xa3, 104);

    static final int CAP_IRQCHIP = 0;
    static final int CAP_USER_MEMORY = 3;
    static final int CAP_NR_VCPUS = 9;
    static final int CAP_NR_MEMSLOTS = 10;
    static final int CAP_IRQFD = 32;
    static final int CAP_IRQ_ROUTING = 25;
    static final int CAP_PIT2 = 33;
    static final int CAP_IOEVENTFD = 36;
    static final int CAP_MAX_VCPUS = 66;
    static final int CAP_SIGNAL_MSI = 77;
    static final int CAP_IMMEDIATE_EXIT = 136;
    static final int CAP_MP_STATE = 14;
    static final int CAP_ADJUST_CLOCK = 39;
    static final int CAP_VCPU_EVENTS = 41;
    static final int CAP_DEBUGREGS = 50;
    static final int CAP_XSAVE = 55;
    static final int CAP_XCRS = 56;
    static final int CAP_MANUAL_DIRTY_LOG_PROTECT2 = 168;
    static final int CAP_XSAVE2 = 208;

    static final int MEM_LOG_DIRTY_PAGES = 1;
    static final int MEM_READONLY = 2;
    static final int DIRTY_LOG_MANUAL_PROTECT_ENABLE = 1;
    static final int DIRTY_LOG_INITIALLY_SET = 2;

    static final int EXIT_UNKNOWN = 0;
    static final int EXIT_EXCEPTION = 1;
    static final int EXIT_IO = 2;
    static final int EXIT_HLT = 5;
    static final int EXIT_MMIO = 6;
    static final int EXIT_IRQ_WINDOW_OPEN = 7;
    static final int EXIT_SHUTDOWN = 8;
    static final int EXIT_FAIL_ENTRY = 9;
    static final int EXIT_INTR = 10;
    static final int EXIT_INTERNAL_ERROR = 17;
    static final int EXIT_SYSTEM_EVENT = 24;

    static final int SYSTEM_EVENT_SHUTDOWN = 1;
    static final int SYSTEM_EVENT_RESET = 2;

    static final int IOEVENTFD_FLAG_DATAMATCH = 1;
    static final int IOEVENTFD_FLAG_PIO = 2;
    static final int IOEVENTFD_FLAG_DEASSIGN = 4;
    static final int IRQFD_FLAG_DEASSIGN = 1;
    static final int PIT_SPEAKER_DUMMY = 1;
}
