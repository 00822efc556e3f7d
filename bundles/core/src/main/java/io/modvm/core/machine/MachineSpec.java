package io.modvm.core.machine;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything needed to assemble a machine.
 *
 * @param name the guest name ({@code -name})
 * @param memoryBytes guest RAM
 * @param vcpus vCPU count
 * @param kernel kernel image
 * @param initrd initial ramdisk, or null
 * @param cmdline kernel command line
 * @param noReboot end, rather than restart, when the guest resets
 * @param devices the devices, in plug order
 */
public record MachineSpec(String name, long memoryBytes, int vcpus, Path kernel, Path initrd, String cmdline,
        boolean noReboot, List<DeviceSpec> devices) {
    public MachineSpec {
        devices = List.copyOf(devices);
    }
}
