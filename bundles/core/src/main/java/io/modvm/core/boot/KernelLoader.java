package io.modvm.core.boot;

import io.modvm.api.accel.BootState;
import io.modvm.api.memory.GuestMemory;
import io.modvm.core.memory.MemoryLayout;

/** Puts a kernel (and its initrd and command line) into guest RAM and says how the boot vCPU starts. */
public interface KernelLoader {
    BootState load(GuestMemory memory, MemoryLayout layout) throws BootException;
}
