package io.modvm.core.pci;

import io.modvm.api.pci.PciConfigRegisters;
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
    private final PciConfigRegisters registers;
    private final PciHost host;
    private final AtomicBoolean fenced = new AtomicBoolean();

    /**
     * @param writer the device's writer, or null if it has none
     * @param registers the device's own registers after its capabilities, or null if it has none
     */
    ConfigFence(String owner, int slot, PciConfigWriter writer, PciConfigRegisters registers, PciHost host) {
        this.owner = owner;
        this.function = String.format("00:%02x.0", slot);
        this.writer = writer;
        this.registers = registers;
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
            failed("write", offset, size, e);
        }
    }

    /**
     * The dword at {@code offset} of the device's own registers: all ones while fenced or if the device throws
     * (which fences it), else 0 without any.
     */
    int readRegister(int offset) {
        if (fenced.get()) {
            return -1;
        }
        if (registers == null) {
            return 0;
        }
        try {
            return registers.read(offset);
        } catch (RuntimeException | LinkageError e) {
            failed("read", offset, 4, e);
            return -1;
        }
    }

    /** A guest write to the device's own registers, as {@link #write}. */
    void writeRegister(int offset, int size, int value) {
        if (registers == null || fenced.get()) {
            return;
        }
        try {
            registers.write(offset, size, value);
        } catch (RuntimeException | LinkageError e) {
            failed("write", offset, size, e);
        }
    }

    private void failed(String what, int offset, int size, Throwable e) {
        if (fenced.compareAndSet(false, true)) {
            host.fenceMmio(owner);
            LOG.error("device {} (PCI {}) failed on a guest configuration {} of {} byte(s) at offset 0x{} ({}); the "
                    + "function is fenced off: its own configuration registers read all ones and ignore writes, and "
                    + "its BARs too, until the device is unplugged or swapped", owner, function, what, size,
                    Integer.toHexString(offset), e.toString(), e);
        }
    }

    /** The device instance that failed is gone (parked for a hot-swap): its successor starts unfenced. */
    void lift() {
        if (fenced.compareAndSet(true, false)) {
            LOG.info("device {} (PCI {}) was parked; its configuration fence is lifted", owner, function);
        }
    }
}
