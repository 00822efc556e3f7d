package io.modvm.core.boot;

import io.modvm.api.memory.GuestMemory;
import io.modvm.core.bus.IoBus;
import io.modvm.core.memory.MemoryLayout;

/**
 * What the machine lends a loader that starts firmware rather than a kernel: read-only memory beside RAM, the port
 * bus for the firmware's configuration device, and what the firmware is told about the machine.
 */
public interface FirmwareHost {
    /**
     * Maps a read-only copy of {@code image} at {@code address} in every run of the guest (a reset builds a fresh
     * VM, and the mapping with it).
     *
     * @throws BootException if the range overlaps RAM or another ROM
     */
    void mapRom(String name, long address, byte[] image) throws BootException;

    /** The port bus, where the firmware's configuration device claims its ports. */
    IoBus pio();

    /** Guest RAM of the current run (a DMA transfer reads and writes it); null before the first run. */
    GuestMemory memory();

    MemoryLayout layout();

    int vcpus();
}
