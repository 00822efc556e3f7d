package io.modvm.core.machine;

import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.accel.VirtualMachine;
import io.modvm.core.pci.PciHost;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accelerator's VM of the current run, for what uses it from outside a vCPU thread (interrupt lines, MSI
 * routes, ioeventfds). A reset closes it and a new run sets another; users hold it for reading, so it is never
 * closed under them, and between runs they find none.
 */
final class CurrentVm {
    private static final Logger LOG = LoggerFactory.getLogger(CurrentVm.class);

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile VirtualMachine vm;

    void set(VirtualMachine created) {
        vm = created;
    }

    /** Takes the VM away and closes it, once no user holds it. */
    void close(VirtualMachine closing) {
        lock.writeLock().lock();
        try {
            vm = null;
            closing.close();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Runs {@code action} on the current VM, holding it open; null between VMs. */
    <T> T with(PciHost.VmAction<T> action) throws AcceleratorException {
        lock.readLock().lock();
        try {
            VirtualMachine current = vm;
            return current == null ? null : action.apply(current);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Drives an interrupt line of the current VM; a no-op between VMs (during a reset). */
    void setIrq(int gsi, boolean level) {
        try {
            with(current -> {
                current.setIrqLine(gsi, level);
                return null;
            });
        } catch (AcceleratorException e) {
            LOG.debug("IRQ {} not delivered: {}", gsi, e.getMessage());
        }
    }
}
