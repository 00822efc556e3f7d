package io.modvm.api.net;

/**
 * One virtqueue handed to a {@link VringOffload}, as the driver set it up: what {@code VHOST_SET_VRING_NUM},
 * {@code _ADDR}, {@code _BASE}, {@code _KICK} and {@code _CALL} (and vhost-user's messages of the same names) carry.
 *
 * @param index the queue's index in the device (0 the first receiveq, 1 the first transmitq, ...)
 * @param size the number of descriptors
 * @param descAddress the guest-physical address of the descriptor table
 * @param availAddress the guest-physical address of the available (driver) ring
 * @param usedAddress the guest-physical address of the used (device) ring
 * @param nextAvail the available-ring index to continue from (last_avail_idx)
 * @param kickFd the eventfd the guest's notifications signal (the transport's ioeventfd)
 * @param callFd the eventfd whose signal interrupts the guest for this queue (an irqfd on its MSI-X vector), or
 *     -1 if the driver gave the queue no vector
 * @since 1.1
 */
public record Vring(int index, int size, long descAddress, long availAddress, long usedAddress, int nextAvail,
        int kickFd, int callFd) {
}
