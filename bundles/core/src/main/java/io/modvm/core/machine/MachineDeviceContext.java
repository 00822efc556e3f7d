package io.modvm.core.machine;

import io.modvm.api.device.BusHandler;
import io.modvm.api.device.CharBackend;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.IrqLine;
import io.modvm.api.memory.GuestMemory;
import io.modvm.core.memory.MemoryLayout;

/** One device's view of the machine; everything it claims is recorded under its id. */
final class MachineDeviceContext implements DeviceContext {
    private static final int GSI_COUNT = 24;
    /** The in-kernel IOAPIC and local APIC windows; no device may claim them. */
    private static final long[][] CHIPSET_MMIO = {{0xFEC0_0000L, 0x1000}, {0xFEE0_0000L, 0x10_0000}};

    private final VmMachine machine;
    private final String id;

    MachineDeviceContext(VmMachine machine, String id) {
        this.machine = machine;
        this.id = id;
    }

    @Override
    public String deviceId() {
        return id;
    }

    @Override
    public void mapPio(int base, int length, BusHandler handler) throws DeviceException {
        try {
            machine.pio.claim(base, length, id, handler);
        } catch (IllegalArgumentException e) {
            throw new DeviceException(e.getMessage());
        }
    }

    @Override
    public void mapMmio(long base, long length, BusHandler handler) throws DeviceException {
        MemoryLayout layout = machine.layout();
        if (overlaps(base, length, 0, layout.lowRamSize())
                || overlaps(base, length, MemoryLayout.HIGH_RAM_START, layout.highRamSize())) {
            throw new DeviceException(String.format("MMIO range 0x%x+0x%x of %s overlaps guest RAM", base, length,
                    id));
        }
        for (long[] chip : CHIPSET_MMIO) {
            if (overlaps(base, length, chip[0], chip[1])) {
                throw new DeviceException(String.format("MMIO range 0x%x+0x%x of %s overlaps the interrupt "
                        + "controller at 0x%x", base, length, id, chip[0]));
            }
        }
        try {
            machine.mmio.claim(base, length, id, handler);
        } catch (IllegalArgumentException e) {
            throw new DeviceException(e.getMessage());
        }
    }

    private static boolean overlaps(long base, long length, long start, long size) {
        return size > 0 && base < start + size && start < base + length;
    }

    @Override
    public IrqLine irqLine(int gsi) throws DeviceException {
        if (gsi < 0 || gsi >= GSI_COUNT) {
            throw new DeviceException("IRQ " + gsi + " does not exist; lines 0-" + (GSI_COUNT - 1) + " do");
        }
        return new IrqLine() {
            @Override
            public int gsi() {
                return gsi;
            }

            @Override
            public void set(boolean level) {
                machine.setIrq(gsi, level);
            }
        };
    }

    @Override
    public GuestMemory memory() {
        return machine.memory();
    }

    @Override
    public CharBackend charBackend(String spec) throws DeviceException {
        return machine.backend(spec);
    }

    @Override
    public void requestReset() {
        machine.reset();
    }

    @Override
    public void requestPowerOff() {
        machine.quit(0);
    }

    @Override
    public void requestExit(int status) {
        machine.quit(status);
    }

    @Override
    public long ramSize() {
        return machine.layout().ramSize();
    }
}
