package io.modvm.virtio.balloon.auto;

/**
 * What the automatic policy decides from, all in bytes.
 *
 * @param target the guest's current target (RAM minus num_pages)
 * @param guestSize the memory the guest has now (RAM minus actual)
 * @param guestAvailable the guest's available memory from its latest statistics
 * @param hostAvailable the host's MemAvailable
 */
public record AutoInput(long target, long guestSize, long guestAvailable, long hostAvailable) {
}
