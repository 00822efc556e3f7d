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
