package io.modvm.accel.kvm;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.accel.Attachment;
import io.modvm.api.accel.CpuModel;
import io.modvm.api.accel.DirtyPageLog;
import io.modvm.api.accel.EventNotifier;
import io.modvm.api.accel.MsiRoute;
import io.modvm.api.accel.RamRegion;
import io.modvm.api.accel.Vcpu;
import io.modvm.api.accel.VirtualMachine;
import io.modvm.api.state.StateRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A KVM VM with the in-kernel PIC, IOAPIC and PIT. */
final class KvmVm implements VirtualMachine {
    private static final Logger LOG = LoggerFactory.getLogger(KvmVm.class);

    /** Three pages below the 4 GiB boundary that VMX needs for real-mode emulation; firmware reserves them. */
    private static final long TSS_ADDRESS = 0xFFFBD000L;
    private static final long IDENTITY_MAP_ADDRESS = 0xFFFBC000L;

    private final String name;
    private final int fd;
    private final int runSize;
    private final KvmCpuid cpuid;
    private final VcpuSignal signal = new VcpuSignal();
    private final List<AutoCloseable> owned = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private final KvmGsiRouting routing;
    private final KvmVmCaps caps;
    private final KvmStateMsrs msrs;
    private final KvmSlots slots;
    private final KvmVmState state;
    private final AtomicReference<KvmDirtyLog> dirtyLog = new AtomicReference<>();

    KvmVm(String name, int fd, int runSize, KvmCpuid cpuid, java.util.Set<Integer> msrIndexes)
            throws AcceleratorException {
        this.name = name;
        this.fd = fd;
        this.runSize = runSize;
        this.cpuid = cpuid;
        this.caps = KvmVmCaps.of(fd);
        this.msrs = new KvmStateMsrs(msrIndexes);
        this.slots = new KvmSlots(fd);
        this.state = new KvmVmState(fd);
        try {
            optional(() -> LibC.ioctl(fd, KvmIoctl.SET_TSS_ADDR, TSS_ADDRESS), "KVM_SET_TSS_ADDR");
            try (Memory address = new Memory(8)) {
                address.setLong(0, IDENTITY_MAP_ADDRESS);
                optional(() -> LibC.ioctl(fd, KvmIoctl.SET_IDENTITY_MAP_ADDR, address), "KVM_SET_IDENTITY_MAP_ADDR");
            }
            LibC.ioctl(fd, KvmIoctl.CREATE_IRQCHIP, 0L);
            try (Memory pit = new Memory(64)) {
                pit.clear();
                pit.setInt(0, KvmIoctl.PIT_SPEAKER_DUMMY);
                LibC.ioctl(fd, KvmIoctl.CREATE_PIT2, pit);
            }
            routing = new KvmGsiRouting(fd);
        } catch (LastErrorException e) {
            LibC.close(fd);
            throw new AcceleratorException("cannot create the in-kernel interrupt controller and timer: "
                    + Errno.describe(e), e);
        }
    }

    private interface Ioctl {
        int call() throws LastErrorException;
    }

    /** Some hosts (software KVMs among them) lack VMX-only setup calls; their absence is harmless there. */
    private static void optional(Ioctl ioctl, String what) {
        try {
            ioctl.call();
        } catch (LastErrorException e) {
            LOG.debug("{} refused ({}); continuing", what, Errno.describe(e));
        }
    }

    @Override
    public RamRegion allocateRam(String label, long size) throws AcceleratorException {
        MemfdRam ram = MemfdRam.allocate(name + "-" + label, size);
        owned.add(ram);
        return ram;
    }

    @Override
    public void mapRam(int slot, long guestAddress, RamRegion region, long regionOffset, long size,
            boolean readOnly) throws AcceleratorException {
        if (!(region instanceof MemfdRam ram)) {
            throw new AcceleratorException("RAM region was not allocated by this accelerator");
        }
        if (regionOffset < 0 || size <= 0 || regionOffset + size > ram.size() || (guestAddress & 0xFFF) != 0
                || (size & 0xFFF) != 0) {
            throw new AcceleratorException(String.format(
                    "bad memory slot %d: guest 0x%x size 0x%x offset 0x%x", slot, guestAddress, size, regionOffset));
        }
        try {
            slots.map(new KvmSlots.Slot(slot, guestAddress, ram, regionOffset, size, readOnly));
        } catch (LastErrorException e) {
            throw new AcceleratorException(String.format("cannot map guest RAM at 0x%x (%d MiB): %s",
                    guestAddress, size >> 20, Errno.describe(e)), e);
        }
    }

    @Override
    public Vcpu createVcpu(int index) throws AcceleratorException {
        KvmVcpu vcpu = new KvmVcpu(index, fd, runSize, cpuid, signal, caps, msrs);
        owned.add(vcpu);
        return vcpu;
    }

    @Override
    public void setIrqLine(int gsi, boolean level) throws AcceleratorException {
        try (Memory line = new Memory(8)) {
            line.setInt(0, gsi);
            line.setInt(4, level ? 1 : 0);
            LibC.ioctl(fd, KvmIoctl.IRQ_LINE, line);
        } catch (LastErrorException e) {
            throw new AcceleratorException("cannot set IRQ line " + gsi + ": " + Errno.describe(e), e);
        }
    }

    @Override
    public void signalMsi(long address, int data) throws AcceleratorException {
        try (Memory msi = new Memory(32)) {
            msi.clear();
            msi.setInt(0, (int) address);
            msi.setInt(4, (int) (address >>> 32));
            msi.setInt(8, data);
            LibC.ioctl(fd, KvmIoctl.SIGNAL_MSI, msi);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.EPERM) {
                // KVM returns -1 when no local APIC accepted the message (none enabled yet, or masked).
                LOG.trace("MSI 0x{}/0x{} reached no vCPU", Long.toHexString(address), Integer.toHexString(data));
                return;
            }
            throw new AcceleratorException("cannot signal MSI: " + Errno.describe(e), e);
        }
    }

    @Override
    public EventNotifier bindIoEvent(long address, int length, boolean pio, OptionalLong dataMatch)
            throws AcceleratorException {
        return bindOwned(event -> attachIoEvent(event, address, length, pio, dataMatch));
    }

    @Override
    public EventNotifier bindIrq(int gsi) throws AcceleratorException {
        return bindOwned(event -> attachIrq(event, gsi));
    }

    private interface Binder {
        Attachment attach(EventFd event) throws AcceleratorException;
    }

    /** A fresh eventfd attached by {@code binder}; closing it detaches it. A refused binding frees the eventfd. */
    private EventNotifier bindOwned(Binder binder) throws AcceleratorException {
        AtomicReference<Attachment> attachment = new AtomicReference<>();
        EventFd event;
        try {
            event = new EventFd(self -> {
                Attachment a = attachment.get();
                if (a != null) {
                    a.close();
                }
                owned.remove(self);
            });
        } catch (LastErrorException e) {
            throw new AcceleratorException("cannot create an eventfd: " + Errno.describe(e), e);
        }
        try {
            attachment.set(binder.attach(event));
        } catch (AcceleratorException e) {
            event.close();
            throw e;
        }
        owned.add(event);
        return event;
    }

    @Override
    public Attachment attachIoEvent(EventNotifier notifier, long address, int length, boolean pio,
            OptionalLong dataMatch) throws AcceleratorException {
        if (length != 0 && length != 1 && length != 2 && length != 4 && length != 8) {
            throw new AcceleratorException("ioeventfd length must be 0, 1, 2, 4 or 8, not " + length);
        }
        int flags = (pio ? KvmIoctl.IOEVENTFD_FLAG_PIO : 0)
                | (dataMatch.isPresent() ? KvmIoctl.IOEVENTFD_FLAG_DATAMATCH : 0);
        Memory request = new Memory(64);
        request.clear();
        request.setLong(0, dataMatch.orElse(0));
        request.setLong(8, address);
        request.setInt(16, length);
        request.setInt(20, eventFd(notifier).fd());
        request.setInt(24, flags);
        try {
            return attach(KvmIoctl.IOEVENTFD, request, 24, KvmIoctl.IOEVENTFD_FLAG_DEASSIGN);
        } catch (LastErrorException e) {
            throw new AcceleratorException(String.format("cannot bind an ioeventfd to %s 0x%x: %s",
                    pio ? "port" : "address", address, Errno.describe(e)), e);
        }
    }

    @Override
    public Attachment attachIrq(EventNotifier notifier, int gsi) throws AcceleratorException {
        Memory request = new Memory(32);
        request.clear();
        request.setInt(0, eventFd(notifier).fd());
        request.setInt(4, gsi);
        try {
            return attach(KvmIoctl.IRQFD, request, 8, KvmIoctl.IRQFD_FLAG_DEASSIGN);
        } catch (LastErrorException e) {
            throw new AcceleratorException("cannot bind an irqfd to GSI " + gsi + ": " + Errno.describe(e), e);
        }
    }

    @Override
    public MsiRoute routeMsi(long address, int data) throws AcceleratorException {
        return routing.allocate(address, data);
    }

    private static EventFd eventFd(EventNotifier notifier) throws AcceleratorException {
        if (notifier instanceof EventFd e) {
            return e;
        }
        throw new AcceleratorException("notifier was not created by the KVM accelerator");
    }

    /**
     * Issues {@code ioctl} with {@code request}; the attachment issues it again with {@code deassignFlag} added at
     * {@code flagsOffset}, which undoes it. The request is freed when the binding fails or is undone.
     */
    private Attachment attach(long ioctl, Memory request, int flagsOffset, int deassignFlag)
            throws LastErrorException {
        try {
            LibC.ioctl(fd, ioctl, request);
        } catch (LastErrorException e) {
            request.close();
            throw e;
        }
        AtomicBoolean bound = new AtomicBoolean(true);
        Attachment attachment = new Attachment() {
            @Override
            public void close() {
                if (bound.getAndSet(false)) {
                    owned.remove(this);
                    if (!closed) {
                        request.setInt(flagsOffset, request.getInt(flagsOffset) | deassignFlag);
                        quietly(() -> LibC.ioctl(fd, ioctl, request));
                    }
                    request.close();
                }
            }
        };
        owned.add(attachment);
        return attachment;
    }

    private static void quietly(Ioctl ioctl) {
        try {
            ioctl.call();
        } catch (LastErrorException e) {
            LOG.debug("unbinding failed: {}", Errno.describe(e));
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
    public StateRecord cpuModel() {
        return CpuModel.describe(cpuid.entries());
    }

    @Override
    public DirtyPageLog startDirtyLog() throws AcceleratorException {
        synchronized (dirtyLog) {
            if (dirtyLog.get() != null) {
                throw new AcceleratorException("dirty-page logging is already running on this VM");
            }
            KvmDirtyLog log = KvmDirtyLog.start(fd, slots, caps, this::stopDirtyLog);
            dirtyLog.set(log);
            owned.add(log);
            return log;
        }
    }

    private void stopDirtyLog() {
        synchronized (dirtyLog) {
            KvmDirtyLog log = dirtyLog.getAndSet(null);
            owned.remove(log);
            if (!closed) {
                try {
                    slots.log(false);
                } catch (LastErrorException e) {
                    LOG.warn("stopping dirty-page logging failed: {}", Errno.describe(e));
                }
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        routing.dispose();
        List<AutoCloseable> reverse = new ArrayList<>(owned);
        java.util.Collections.reverse(reverse);
        for (AutoCloseable c : reverse) {
            if (c instanceof MemfdRam) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("closing {} failed", c, e);
            }
        }
        LibC.close(fd);
        // RAM goes last: nothing in the kernel may still reference its pages once the VM fd is gone.
        for (AutoCloseable c : reverse) {
            if (c instanceof MemfdRam ram) {
                ram.close();
            }
        }
    }
}
