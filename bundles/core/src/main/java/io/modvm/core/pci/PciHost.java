package io.modvm.core.pci;

import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.accel.EventNotifier;
import io.modvm.api.accel.VirtualMachine;
import io.modvm.api.device.BusHandler;

/** What the PCI bus needs from the machine: the MMIO and port buses, the current VM, and notifiers that outlive it. */
public interface PciHost {
    /** Claims guest-physical MMIO for {@code owner}; false (logged by the caller) if the range is not free. */
    boolean mapMmio(long base, long length, String owner, BusHandler handler);

    void unmapMmio(String owner);

    /**
     * Claims I/O ports for {@code owner} (an I/O BAR); false (logged by the caller) if the range is not free. A host
     * without a port bus, as in tests of the bus alone, maps none.
     */
    default boolean mapIo(long base, long length, String owner, BusHandler handler) {
        return false;
    }

    /** Releases the ports {@link #mapIo} claimed for {@code owner}. */
    default void unmapIo(String owner) {
    }

    /**
     * Fences off the MMIO ranges and ports of the device {@code owner} names (its BARs, claimed as {@code
     * owner#barN}), as if one had thrown: a fence the machine lifts when it unplugs or parks the device.
     */
    void fenceMmio(String owner);

    /** A notifier that belongs to no VM. */
    EventNotifier createNotifier() throws AcceleratorException;

    /** Operations on the VM the guest runs in now. */
    interface VmAction<T> {
        T apply(VirtualMachine vm) throws AcceleratorException;
    }

    /** Runs {@code action} on the current VM, holding it open; returns null if no VM exists right now. */
    <T> T withVm(VmAction<T> action) throws AcceleratorException;
}
