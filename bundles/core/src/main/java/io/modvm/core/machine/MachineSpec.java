package io.modvm.core.machine;

import java.nio.file.Path;

/**
 * Everything needed to assemble a machine; its devices come through the device manager.
 *
 * @param name the guest name ({@code -name})
 * @param memoryBytes guest RAM
 * @param vcpus vCPU count
 * @param kernel kernel image
 * @param initrd initial ramdisk, or null
 * @param cmdline kernel command line
 * @param noReboot end, rather than restart, when the guest resets
 */
public record MachineSpec(String name, long memoryBytes, int vcpus, Path kernel, Path initrd, String cmdline,
        boolean noReboot) {
}
