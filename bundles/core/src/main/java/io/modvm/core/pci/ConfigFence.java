package io.modvm.core.pci;

import io.modvm.api.pci.PciConfigWriter;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands between one function's configuration space and its device's {@link PciConfigWriter}, which runs on the
 * vCPU thread that wrote the register. The configuration ports serve every device and are never fenced by the port
 * bus, so a throwing callback is caught here instead: the first failure is logged once and fences the function (its
 * writer is not called again, and the function shows its own registers as all ones), and its BARs are fenced on the
 * MMIO bus, as the MMIO bus would have done had a BAR handler thrown. The fence lasts as long as this function's
 * device does: a device plugged in the slot later gets a new function, and a hot-swap {@link #lift}s it when the old
 * instance is parked, as the MMIO bus lifts its fence then.
 */
final class ConfigFence {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigFence.class);

    private final String owner;
    /** bus:slot.function, as the guest's lspci shows it */
    private final String function;
    private final PciConfigWriter writer;
    private final PciHost host;
    private final AtomicBoolean fenced = new AtomicBoolean();

    /** @param writer the device's writer, or null if it has none */
    ConfigFence(String owner, int slot, PciConfigWriter writer, PciHost host) {
        this.owner = owner;
        this.function = String.format("00:%02x.0", slot);
        this.writer = writer;
        this.host = host;
    }

    boolean fenced() {
        return fenced.get();
    }

    /** Passes a guest write to the device unless the function is fenced; nothing the device throws gets out. */
    void write(int offset, int size, int value) {
        if (writer == null || fenced.get()) {
            return;
        }
        try {
            writer.write(offset, size, value);
        } catch (RuntimeException | LinkageError e) {
            if (fenced.compareAndSet(false, true)) {
                host.fenceMmio(owner);
                LOG.error("device {} (PCI {}) failed on a guest configuration write of {} byte(s) at offset 0x{} "
                        + "({}); the function is fenced off: its own configuration registers read all ones and "
                        + "ignore writes, and its BARs too, until the device is unplugged or swapped", owner,
                        function, size, Integer.toHexString(offset), e.toString(), e);
            }
        }
    }

    /** The device instance that failed is gone (parked for a hot-swap): its successor starts unfenced. */
    void lift() {
        if (fenced.compareAndSet(true, false)) {
            LOG.info("device {} (PCI {}) was parked; its configuration fence is lifted", owner, function);
        }
    }
}
