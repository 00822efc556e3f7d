package io.modvm.core.boot;

/**
 * How the guest starts, decided once the command line's backends are open, so that a plan may read the disks it
 * boots from. The command line chooses among the paths in QEMU's order: {@code -kernel} (a kernel the user names),
 * the firmware ({@code -bios}, or a disk whose boot configuration modvm cannot read), a disk image's own kernel read
 * by a boot source without firmware, and with neither a kernel nor a disk the default guest.
 */
@FunctionalInterface
public interface BootPlan {
    /** The loader for the guest's first start; called once, on the machine's thread, before any vCPU exists. */
    KernelLoader loader() throws BootException;
}
