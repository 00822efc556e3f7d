package io.modvm.core.machine;

import io.modvm.api.device.DeviceException;
import io.modvm.api.device.IrqLine;
import io.modvm.api.memory.GuestMemory;
import io.modvm.core.acpi.LevelLine;
import io.modvm.core.acpi.PcPlatform;
import io.modvm.core.bus.IoBus;
import io.modvm.core.devices.DeviceBackends;
import io.modvm.core.devices.DeviceWiring;
import io.modvm.core.pci.PciRootBus;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** The machine as its devices see it: the parts of {@link VmMachine} a device context hands out. */
final class MachineWiring implements DeviceWiring {
    private static final int GSI_COUNT = PcPlatform.IOAPIC_PINS;

    private final IoBus pio;
    private final IoBus mmio;
    private final GuestRam ram;
    private final PcPlatformWiring platform;
    private final CurrentVm vm;
    private final DeviceBackends backends;
    private final Consumer<RunEnd> post;
    private final BooleanSupplier guestStarted;

    MachineWiring(IoBus pio, IoBus mmio, GuestRam ram, PcPlatformWiring platform, CurrentVm vm,
            DeviceBackends backends, Consumer<RunEnd> post, BooleanSupplier guestStarted) {
        this.pio = pio;
        this.mmio = mmio;
        this.ram = ram;
        this.platform = platform;
        this.vm = vm;
        this.backends = backends;
        this.post = post;
        this.guestStarted = guestStarted;
    }

    @Override
    public IoBus pio() {
        return pio;
    }

    @Override
    public IoBus mmio() {
        return mmio;
    }

    @Override
    public String mmioConflict(long base, long length) {
        return ram.mmioConflict(base, length);
    }

    @Override
    public PciRootBus pci() {
        return platform.pci();
    }

    @Override
    public IrqLine irqLine(int gsi) throws DeviceException {
        if (gsi < 0 || gsi >= GSI_COUNT) {
            throw new DeviceException("IRQ " + gsi + " does not exist; lines 0-" + (GSI_COUNT - 1) + " do");
        }
        // The SCI is shared with the GPE block, GSI 16-19 with PCI INTx: each device drives its own source of the
        // wired OR.
        LevelLine shared = platform.sharedSource(gsi);
        LevelLine line = shared != null ? shared : level -> vm.setIrq(gsi, level);
        return new IrqLine() {
            @Override
            public int gsi() {
                return gsi;
            }

            @Override
            public void set(boolean level) {
                line.set(level);
            }
        };
    }

    @Override
    public GuestMemory memory() {
        return ram.memory();
    }

    @Override
    public long ramSize() {
        return ram.layout().ramSize();
    }

    @Override
    public DeviceBackends backends() {
        return backends;
    }

    @Override
    public void requestReset() {
        post.accept(RunEnd.reset());
    }

    @Override
    public void requestPowerOff() {
        post.accept(RunEnd.powerOff());
    }

    @Override
    public void requestExit(int status) {
        post.accept(RunEnd.exit(status));
    }

    @Override
    public boolean guestStarted() {
        return guestStarted.getAsBoolean();
    }
}
