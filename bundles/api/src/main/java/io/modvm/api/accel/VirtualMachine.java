package io.modvm.api.accel;

import io.modvm.api.state.StateRecord;
import java.util.OptionalLong;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One virtual machine: its guest-physical memory slots, vCPUs and interrupt wiring. Closing it frees every
 * vCPU, slot and notifier it created.
 */
@ProviderType
public interface VirtualMachine extends AutoCloseable {

    /** Allocates host memory suitable for guest RAM (shared, so that other processes and the kernel can map it). */
    RamRegion allocateRam(String name, long size) throws AcceleratorException;

    /**
     * Maps {@code size} bytes of {@code region}, starting at {@code regionOffset}, at guest-physical address
     * {@code guestAddress}. Slots are numbered by the caller.
     */
    void mapRam(int slot, long guestAddress, RamRegion region, long regionOffset, long size, boolean readOnly)
            throws AcceleratorException;

    /**
     * Creates vCPU {@code index}. Must be called on the thread that will run it: vCPU operations are bound to the
     * creating thread.
     */
    Vcpu createVcpu(int index) throws AcceleratorException;

    /** Drives interrupt line {@code gsi} of the in-kernel interrupt controllers. */
    void setIrqLine(int gsi, boolean level) throws AcceleratorException;

    /** Injects one message-signalled interrupt. */
    void signalMsi(long address, int data) throws AcceleratorException;

    /**
     * Asks the accelerator to complete guest writes of {@code length} bytes to {@code address} (a port if
     * {@code pio}) by signalling the returned notifier, without an exit to user space. With a
     * {@code dataMatch}, only writes of that value match. Closing the notifier removes the binding.
     */
    EventNotifier bindIoEvent(long address, int length, boolean pio, OptionalLong dataMatch)
            throws AcceleratorException;

    /** Returns a notifier whose {@link EventNotifier#signal()} raises interrupt line {@code gsi} (edge). */
    EventNotifier bindIrq(int gsi) throws AcceleratorException;

    /**
     * Like {@link #bindIoEvent}, for a notifier the caller owns: closing the returned attachment removes the
     * binding and leaves the notifier open.
     */
    Attachment attachIoEvent(EventNotifier notifier, long address, int length, boolean pio, OptionalLong dataMatch)
            throws AcceleratorException;

    /** Like {@link #bindIrq}, for a notifier the caller owns. */
    Attachment attachIrq(EventNotifier notifier, int gsi) throws AcceleratorException;

    /** Allocates a line that delivers one message-signalled interrupt (address/data as the guest programmed). */
    MsiRoute routeMsi(long address, int data) throws AcceleratorException;

    /**
     * The VM-wide state the accelerator keeps: the in-kernel interrupt controllers (PIC master and slave, IOAPIC),
     * the timer (PIT) and the guest clock. Callable from any thread, but only while every vCPU is parked outside
     * {@link Vcpu#run}, so that the parts agree with each other and with the vCPUs' records.
     *
     * @throws AcceleratorException with one line naming the part that could not be read and the host's error
     * @since 1.4
     */
    default StateRecord saveState() throws AcceleratorException {
        throw new AcceleratorException("this accelerator cannot save VM state");
    }

    /**
     * Loads a record made by {@link #saveState()}, with every vCPU parked. The guest clock continues from the saved
     * value (the time the machine spent stopped or in transit does not pass for the guest), and the timer's counting
     * is kept relative to it. Restore this before the vCPUs' records.
     *
     * @throws AcceleratorException if the record is of another type or a newer version (the message names it), or
     *     a part is refused (the message names the part and the host's error)
     * @since 1.4
     */
    default void restoreState(StateRecord state) throws AcceleratorException {
        throw new AcceleratorException("this accelerator cannot restore VM state");
    }

    /**
     * What the guest's CPUs look like (vendor, family, model, stepping, feature bits and every CPUID entry given to
     * the vCPUs), as a {@link CpuModel} record, so that a migration's destination can compare the source's with its
     * own ({@link CpuModel#differences}) before it accepts the guest.
     *
     * @since 1.4
     */
    default StateRecord cpuModel() throws AcceleratorException {
        throw new AcceleratorException("this accelerator cannot describe its CPU model");
    }

    /**
     * Starts logging the guest's writes to every writable RAM slot, mapped now or later, until the returned log is
     * closed. See {@link DirtyPageLog} for what it covers and what it does not (writes by the VMM itself).
     *
     * @throws AcceleratorException if the host cannot log writes, or a log is already running on this VM
     * @since 1.4
     */
    default DirtyPageLog startDirtyLog() throws AcceleratorException {
        throw new AcceleratorException("this accelerator cannot log dirty pages");
    }

    @Override
    void close();
}
