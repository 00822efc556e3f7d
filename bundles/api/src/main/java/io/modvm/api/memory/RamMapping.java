package io.modvm.api.memory;

/**
 * One guest-physical range of RAM and where it lives on the host, as a vhost memory table describes it
 * ({@code struct vhost_memory_region}, vhost-user's {@code VhostUserMemoryRegion}).
 *
 * @param guestAddress the guest-physical address of the range
 * @param size its length in bytes
 * @param hostAddress where it is mapped in this process
 * @param fd the descriptor that backs it (a memfd), valid while this run's RAM exists
 * @param fdOffset where the range starts in {@code fd}
 * @since 1.2
 */
public record RamMapping(long guestAddress, long size, long hostAddress, int fd, long fdOffset) {
    /** Whether {@code [hostAddress, hostAddress + length)} lies in this range's host mapping. */
    public boolean holdsHost(long address, long length) {
        return address >= hostAddress && length >= 0 && address - hostAddress <= size - length;
    }
}
