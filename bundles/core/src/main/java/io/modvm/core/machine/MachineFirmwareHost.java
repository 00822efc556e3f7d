package io.modvm.core.machine;

import io.modvm.api.memory.GuestMemory;
import io.modvm.core.boot.BootException;
import io.modvm.core.boot.FirmwareHost;
import io.modvm.core.bus.IoBus;
import io.modvm.core.memory.MemoryLayout;

/** The machine as a firmware loader sees it: ROMs beside guest RAM, the port bus, the machine's size. */
final class MachineFirmwareHost implements FirmwareHost {
    private final GuestRam ram;
    private final IoBus pio;
    private final int vcpus;

    MachineFirmwareHost(GuestRam ram, IoBus pio, int vcpus) {
        this.ram = ram;
        this.pio = pio;
        this.vcpus = vcpus;
    }

    @Override
    public void mapRom(String name, long address, byte[] image) throws BootException {
        String clash = ram.addRom(name, address, image);
        if (clash != null) {
            throw new BootException(String.format("the %s ROM at 0x%x would shadow %s", name, address, clash));
        }
    }

    @Override
    public IoBus pio() {
        return pio;
    }

    @Override
    public GuestMemory memory() {
        return ram.memory();
    }

    @Override
    public MemoryLayout layout() {
        return ram.layout();
    }

    @Override
    public int vcpus() {
        return vcpus;
    }
}
