package io.modvm.api.net;

import io.modvm.api.memory.RamMapping;
import java.util.List;

/**
 * Everything a vhost backend needs to serve a NIC's data queues itself, gathered from a started device: the
 * negotiated features, the guest memory table (with the descriptors to map it), and each queue.
 *
 * @param features the virtio feature bits the driver accepted
 * @param memory where guest RAM lives on the host
 * @param rings the data queues, in the device's queue order
 * @param queuePairs the queue pairs the driver uses now
 * @param mtu the MTU the device offers the guest (VIRTIO_NET_F_MTU), or 0 for none
 * @since 1.1
 */
public record VringSetup(long features, List<RamMapping> memory, List<Vring> rings, int queuePairs, int mtu) {
    public VringSetup {
        memory = List.copyOf(memory);
        rings = List.copyOf(rings);
    }

    /**
     * The host address of guest-physical {@code [guestAddress, guestAddress + length)}.
     *
     * @throws IllegalArgumentException if the range is not inside one mapping
     */
    public long hostAddress(long guestAddress, long length) {
        for (RamMapping m : memory) {
            if (guestAddress >= m.guestAddress() && length >= 0 && guestAddress - m.guestAddress() <= m.size() - length) {
                return m.hostAddress() + (guestAddress - m.guestAddress());
            }
        }
        throw new IllegalArgumentException(String.format("guest range 0x%x+%d is not in RAM", guestAddress, length));
    }
}
