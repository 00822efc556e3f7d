package io.modvm.api.accel;

/**
 * What a new virtual machine needs to know before its first vCPU exists.
 *
 * @param name a label for logs and thread names
 * @param vcpus how many vCPUs the machine will create (at least one)
 */
public record VmOptions(String name, int vcpus) {
    /** @throws IllegalArgumentException if {@code vcpus} is less than one */
    public VmOptions {
        if (vcpus < 1) {
            throw new IllegalArgumentException("a machine needs at least one vCPU, got " + vcpus);
        }
    }
}
