package io.modvm.api.pci;

import io.modvm.api.accel.EventNotifier;
import io.modvm.api.device.DeviceException;
import java.util.OptionalLong;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A plugged PCI function, as its device drives it. The core keeps the notifiers it hands out bound across BAR moves
 * and machine resets.
 */
@ProviderType
public interface PciFunction {
    /** Bus/device/function as the guest addresses it. */
    int bus();

    /** Slot (device number) on the bus. */
    int slot();

    /** Function number within the slot. */
    int function();

    /**
     * A notifier signalled when the guest writes {@code length} bytes to {@code offset} in BAR {@code bar} (with
     * {@code dataMatch}, only that value), without running anything on the vCPU thread. Bound while the guest has
     * memory decoding on; the device owns it and closes it when done.
     */
    EventNotifier ioEvent(int bar, long offset, int length, OptionalLong dataMatch) throws DeviceException;

    /**
     * Raises MSI-X vector {@code vector}: delivered at once through the accelerator if MSI-X is enabled and the
     * vector unmasked, remembered in the PBA if masked, dropped if MSI-X is off or the vector does not exist.
     * Returns true if the interrupt was delivered or is pending.
     */
    boolean signalMsix(int vector);

    /**
     * Sets the level of the function's legacy interrupt line (the pin its {@link PciFunctionSpec#interruptPin()}
     * names): asserted while the device has an interrupt pending, deasserted once the driver has taken it. The line
     * is level-triggered and may be shared with other functions; the core keeps it deasserted towards the interrupt
     * controller while the guest sets Interrupt Disable in the command register or has MSI-X enabled, and shows the
     * level in the status register's Interrupt Status bit either way. Ignored for a function without an interrupt
     * pin. Safe to call from any thread.
     *
     * @since 1.1
     */
    void setIntx(boolean asserted);

    /**
     * The notifier behind MSI-X vector {@code vector}, for a signaller outside the VMM (a vhost backend's call
     * eventfd): a signal raises the vector with no VMM in the path while the guest has MSI-X on and the vector
     * unmasked (an irqfd on the vector's route, which follows the guest's reprogramming of the entry); while it is
     * masked, the signal waits on the notifier, shows in the PBA and is delivered when the guest unmasks. The
     * function owns the notifier; it stays the same for the vector until the function is unplugged.
     *
     * @throws DeviceException if the function has no such vector or the machine cannot give it a notifier
     * @since 1.1
     */
    default EventNotifier msixNotifier(int vector) throws DeviceException {
        throw new DeviceException("this machine cannot hand out MSI-X notifiers");
    }

    /** True while the guest has MSI-X enabled on this function. */
    boolean msixEnabled();

    /** True while the guest lets the function master the bus (DMA); devices must not touch guest RAM otherwise. */
    boolean busMaster();
}
