package io.modvm.core.boot;

import io.modvm.api.accel.BootState;
import io.modvm.api.memory.GuestMemory;
import io.modvm.core.memory.MemoryLayout;

/** Puts a kernel (and its initrd and command line) into guest RAM and says how the boot vCPU starts. */
public interface KernelLoader {
    /**
     * @param rsdp guest-physical address of the ACPI RSDP the firmware tables start at, handed to the kernel
     */
    BootState load(GuestMemory memory, MemoryLayout layout, long rsdp) throws BootException;

    /**
     * True if the kernel is Linux: what modvm tells about a host's limits speaks of Linux (its boot time, its user
     * space), which means nothing to the user of another kernel, such as a tiny test guest.
     */
    boolean bootsLinux();

    /**
     * Called once, before the first {@link #load}, by a machine that can host firmware: a firmware loader maps its
     * image and claims its configuration ports here. A kernel loader needs nothing of it.
     */
    default void attach(FirmwareHost host) throws BootException {
    }
}
