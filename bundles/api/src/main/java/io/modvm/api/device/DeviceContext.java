package io.modvm.api.device;

import io.modvm.api.memory.GuestMemory;
import io.modvm.api.pci.PciFunction;
import io.modvm.api.pci.PciFunctionSpec;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The machine as one device sees it. Ranges and lines a device takes through its context are released when the
 * device is unplugged.
 */
@ProviderType
public interface DeviceContext {
    /** The id the device must report. */
    String deviceId();

    /** Claims ports {@code [base, base + length)}; fails if another device holds any of them. */
    void mapPio(int base, int length, BusHandler handler) throws DeviceException;

    /** Claims guest-physical MMIO {@code [base, base + length)}; fails on overlap with RAM or another device. */
    void mapMmio(long base, long length, BusHandler handler) throws DeviceException;

    /** An interrupt line; ISA lines 0–15 are wired to the PIC and the IOAPIC. */
    IrqLine irqLine(int gsi) throws DeviceException;

    /**
     * Plugs a PCI function into the root bus: the core gives it a slot, places its BARs in the PCI hole, serves its
     * configuration space (header, capabilities, MSI-X table and PBA) and answers for it in {@code query-pci}.
     */
    PciFunction plugPci(PciFunctionSpec spec) throws DeviceException;

    /** The machine's RAM, with every access checked. */
    GuestMemory memory();

    /**
     * The character backend named by {@code spec}, as the command line gives it: {@code stdio},
     * {@code file:PATH}, {@code null}. Returns null if {@code spec} is null.
     *
     * @deprecated since 1.2: use {@link #backend backend(BackendKinds.CHARDEV, spec, CharBackend.class)}, which
     *     takes the id of a {@code -chardev} as well as these forms; this method stays for a release
     */
    @Deprecated(since = "1.2")
    CharBackend charBackend(String spec) throws DeviceException;

    /**
     * The backend of {@code kind} ({@link io.modvm.api.backend.BackendKinds}) that {@code reference} names, as a
     * device property names one in QEMU ({@code chardev=c0}, {@code drive=d0}, {@code netdev=n0}): the id of a
     * configured backend, which this device then holds until it is unplugged, so that a second device naming it is
     * refused. For a character backend QEMU's legacy forms ({@code stdio}, {@code null}, {@code file:PATH},
     * {@code unix:PATH,server,nowait}) work too and open one for this device alone. A device that takes over from
     * another in a hot-swap takes the same backends again. Returns null if {@code reference} is null.
     *
     * @throws DeviceException in QEMU's words: no backend of that name ("Property 'virtconsole.chardev' can't find
     *     value 'c9'"), one another device holds, or one that is not a {@code type}
     * @since 1.2
     */
    default <B> B backend(String kind, String reference, Class<B> type) throws DeviceException {
        throw new DeviceException("this machine offers no " + kind + " backends");
    }

    /**
     * A backend of this device's own, opened from {@code type} and {@code properties} as a configuration of that
     * type would be, and closed when the device is unplugged: for QEMU's forms that name the host resource on the
     * device itself ({@code virtio-blk-pci,file=IMAGE}).
     *
     * @throws DeviceException no factory of that kind and type, or the factory's message
     * @since 1.2
     */
    default <B> B openBackend(String kind, String type, Map<String, String> properties, Class<B> as)
            throws DeviceException {
        throw new DeviceException("this machine offers no " + kind + " backends");
    }

    /** The guest asked for a system reset (the machine restarts, or ends under {@code -no-reboot}). */
    void requestReset();

    /** The guest powered itself off (ACPI S5): the machine ends and the VMM exits with status 0, as QEMU does. */
    void requestPowerOff();

    /** The guest asked the VMM to end with this process exit status (a test exit device). */
    void requestExit(int status);

    /** Size of guest RAM in bytes, for devices that report it (CMOS). */
    long ramSize();
}
