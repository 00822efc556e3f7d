package io.modvm.accel.kvm;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.accel.BootState;
import io.modvm.api.accel.RegisterDump;
import io.modvm.api.accel.Vcpu;
import io.modvm.api.accel.VcpuExitHandler;
import io.modvm.api.accel.VcpuStop;
import io.modvm.api.state.StateRecord;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A KVM vCPU and its exit loop. Bound to the thread that created it. */
final class KvmVcpu implements Vcpu {
    private static final Logger LOG = LoggerFactory.getLogger(KvmVcpu.class);

    // struct kvm_run offsets
    private static final int RUN_IMMEDIATE_EXIT = 1;
    private static final int RUN_EXIT_REASON = 8;
    private static final int RUN_UNION = 32;
    private static final int LAPIC_LVT0 = 0x350;
    private static final int LAPIC_LVT1 = 0x360;
    private static final int APIC_MODE_EXTINT = 0x700;
    private static final int APIC_MODE_NMI = 0x400;

    private final int index;
    private final int fd;
    private final Pointer runMapping;
    private final int runSize;
    private final ByteBuffer run;
    private final long thread;
    private final VcpuSignal signal;
    private final Memory kvmSignalMask;
    private final Memory signalSet;
    private final Memory zeroTimeout = new Memory(16);
    private final Memory regs = new Memory(KvmRegs.REGS_SIZE);
    private final Memory sregs = new Memory(KvmRegs.SREGS_SIZE);
    private final Object lifecycle = new Object();
    private final KvmVcpuState state;
    private boolean closed;

    KvmVcpu(int index, int vmFd, int runSize, KvmCpuid cpuid, VcpuSignal signal, KvmVmCaps caps,
            KvmStateMsrs msrs) throws AcceleratorException {
        this.index = index;
        this.signal = signal;
        this.runSize = runSize;
        try {
            this.fd = LibC.ioctl(vmFd, KvmIoctl.CREATE_VCPU, index);
        } catch (LastErrorException e) {
            throw new AcceleratorException("cannot create vCPU " + index + ": " + Errno.describe(e), e);
        }
        try {
            this.runMapping = LibC.mmap(null, runSize, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd, 0);
            this.run = runMapping.getByteBuffer(0, runSize).order(ByteOrder.LITTLE_ENDIAN);
            cpuid.applyTo(fd, index);
            KvmMsrs.applyBootMsrs(fd);
            setVirtualWire();
            this.thread = LibC.pthread_self();
            this.kvmSignalMask = signal.blockInCurrentThread();
            this.signalSet = signal.set();
            zeroTimeout.clear();
            LibC.ioctl(fd, KvmIoctl.SET_SIGNAL_MASK, kvmSignalMask);
            this.state = new KvmVcpuState(fd, index, caps, msrs);
        } catch (LastErrorException e) {
            LibC.close(fd);
            throw new AcceleratorException("cannot set up vCPU " + index + ": " + Errno.describe(e), e);
        }
    }

    /** LINT0 as ExtINT and LINT1 as NMI: the virtual-wire mode a PC BIOS leaves, which the PIC path needs. */
    private void setVirtualWire() {
        try (Memory lapic = new Memory(1024)) {
            LibC.ioctl(fd, KvmIoctl.GET_LAPIC, lapic);
            lapic.setInt(LAPIC_LVT0, (lapic.getInt(LAPIC_LVT0) & ~0x10700) | APIC_MODE_EXTINT);
            lapic.setInt(LAPIC_LVT1, (lapic.getInt(LAPIC_LVT1) & ~0x10700) | APIC_MODE_NMI);
            LibC.ioctl(fd, KvmIoctl.SET_LAPIC, lapic);
        }
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public void setBootState(BootState state) throws AcceleratorException {
        try {
            ByteBuffer r = KvmRegs.buffer(regs);
            KvmRegs.writeBootRegs(r, state);
            LibC.ioctl(fd, KvmIoctl.SET_REGS, regs);
            LibC.ioctl(fd, KvmIoctl.GET_SREGS, sregs);
            KvmRegs.writeBootSregs(KvmRegs.buffer(sregs), state);
            LibC.ioctl(fd, KvmIoctl.SET_SREGS, sregs);
            try (Memory fpu = new Memory(KvmRegs.FPU_SIZE)) {
                KvmRegs.writeBootFpu(KvmRegs.buffer(fpu));
                LibC.ioctl(fd, KvmIoctl.SET_FPU, fpu);
            }
        } catch (LastErrorException e) {
            throw new AcceleratorException("cannot load boot registers of vCPU " + index + ": "
                    + Errno.describe(e), e);
        }
    }

    @Override
    public VcpuStop run(VcpuExitHandler handler) throws AcceleratorException {
        while (true) {
            int reason;
            try {
                LibC.ioctl(fd, KvmIoctl.RUN, 0L);
                reason = run.getInt(RUN_EXIT_REASON);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.EINTR) {
                    reason = KvmIoctl.EXIT_INTR;
                } else if (e.getErrorCode() == LibC.EAGAIN) {
                    continue;
                } else {
                    return stop(VcpuStop.Reason.INTERNAL_ERROR, "KVM_RUN failed: " + Errno.describe(e));
                }
            }
            switch (reason) {
                case KvmIoctl.EXIT_IO -> handleIo(handler);
                case KvmIoctl.EXIT_MMIO -> handleMmio(handler);
                case KvmIoctl.EXIT_INTR -> {
                    run.put(RUN_IMMEDIATE_EXIT, (byte) 0);
                    signal.drain(signalSet, zeroTimeout);
                    if (!handler.onKick()) {
                        return new VcpuStop(VcpuStop.Reason.REQUESTED, "", null);
                    }
                }
                case KvmIoctl.EXIT_HLT, KvmIoctl.EXIT_IRQ_WINDOW_OPEN -> {
                    // With the in-kernel irqchip KVM waits for interrupts itself; go back in.
                }
                case KvmIoctl.EXIT_SHUTDOWN -> {
                    return stop(VcpuStop.Reason.TRIPLE_FAULT, "the guest triple-faulted (CPU shutdown)");
                }
                case KvmIoctl.EXIT_INTERNAL_ERROR -> {
                    int suberror = run.getInt(RUN_UNION);
                    return stop(VcpuStop.Reason.INTERNAL_ERROR, "KVM internal error, suberror " + suberror
                            + (suberror == 1 ? " (instruction emulation failed)" : ""));
                }
                case KvmIoctl.EXIT_FAIL_ENTRY -> {
                    return stop(VcpuStop.Reason.INTERNAL_ERROR, String.format(
                            "KVM could not enter the guest, hardware reason 0x%x", run.getLong(RUN_UNION)));
                }
                case KvmIoctl.EXIT_SYSTEM_EVENT -> {
                    int type = run.getInt(RUN_UNION);
                    if (type == KvmIoctl.SYSTEM_EVENT_RESET) {
                        return new VcpuStop(VcpuStop.Reason.GUEST_RESET, "", null);
                    }
                    if (type == KvmIoctl.SYSTEM_EVENT_SHUTDOWN) {
                        return new VcpuStop(VcpuStop.Reason.GUEST_POWEROFF, "", null);
                    }
                    return stop(VcpuStop.Reason.INTERNAL_ERROR, "guest system event " + type);
                }
                default -> {
                    return stop(VcpuStop.Reason.INTERNAL_ERROR, "unexpected KVM exit reason " + reason);
                }
            }
        }
    }

    private VcpuStop stop(VcpuStop.Reason reason, String detail) {
        RegisterDump dump;
        try {
            dump = registers();
        } catch (AcceleratorException e) {
            dump = null;
        }
        return new VcpuStop(reason, detail, dump);
    }

    private void handleIo(VcpuExitHandler handler) {
        boolean out = run.get(RUN_UNION) == 1;
        int size = run.get(RUN_UNION + 1);
        int port = run.getShort(RUN_UNION + 2) & 0xFFFF;
        int count = run.getInt(RUN_UNION + 4);
        long dataOffset = run.getLong(RUN_UNION + 8);
        if (size != 1 && size != 2 && size != 4 || dataOffset < 0 || dataOffset + (long) count * size > runSize) {
            return;
        }
        int at = (int) dataOffset;
        for (int i = 0; i < count; i++, at += size) {
            if (out) {
                handler.pioWrite(port, size, readSized(at, size));
            } else {
                writeSized(at, size, handler.pioRead(port, size));
            }
        }
    }

    private void handleMmio(VcpuExitHandler handler) {
        long address = run.getLong(RUN_UNION);
        int length = run.getInt(RUN_UNION + 16);
        boolean write = run.get(RUN_UNION + 20) != 0;
        if (length != 1 && length != 2 && length != 4 && length != 8) {
            return;
        }
        int data = RUN_UNION + 8;
        if (write) {
            handler.mmioWrite(address, length, readSized(data, length));
        } else {
            writeSized(data, length, handler.mmioRead(address, length));
        }
    }

    private long readSized(int at, int size) {
        return switch (size) {
            case 1 -> run.get(at) & 0xFFL;
            case 2 -> run.getShort(at) & 0xFFFFL;
            case 4 -> run.getInt(at) & 0xFFFFFFFFL;
            default -> run.getLong(at);
        };
    }

    private void writeSized(int at, int size, long value) {
        switch (size) {
            case 1 -> run.put(at, (byte) value);
            case 2 -> run.putShort(at, (short) value);
            case 4 -> run.putInt(at, (int) value);
            default -> run.putLong(at, value);
        }
    }

    @Override
    public void kick() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            // immediate_exit covers a vCPU between exits; the signal covers one inside KVM_RUN.
            run.put(RUN_IMMEDIATE_EXIT, (byte) 1);
            LibC.pthread_kill(thread, signal.number());
        }
    }

    @Override
    public RegisterDump registers() throws AcceleratorException {
        try {
            LibC.ioctl(fd, KvmIoctl.GET_REGS, regs);
            LibC.ioctl(fd, KvmIoctl.GET_SREGS, sregs);
            return KvmRegs.dump(KvmRegs.buffer(regs), KvmRegs.buffer(sregs));
        } catch (LastErrorException e) {
            throw new AcceleratorException("cannot read registers of vCPU " + index + ": " + Errno.describe(e), e);
        }
    }

    @Override
    public StateRecord saveState() throws AcceleratorException {
        return state.save();
    }

    @Override
    public void restoreState(StateRecord saved) throws AcceleratorException {
        state.restore(saved);
    }

    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        signal.drain(signalSet, zeroTimeout);
        LibC.munmap(runMapping, runSize);
        LibC.close(fd);
        LOG.debug("vCPU {} closed", index);
    }
}
