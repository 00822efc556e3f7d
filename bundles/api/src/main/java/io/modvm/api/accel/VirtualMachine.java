package io.modvm.api.accel;

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

    @Override
    void close();
}
