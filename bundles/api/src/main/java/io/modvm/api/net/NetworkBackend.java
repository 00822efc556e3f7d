package io.modvm.api.net;

import io.modvm.api.backend.Backend;
import java.io.IOException;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The host side of a NIC, QEMU's {@code -netdev}: one or more queue pairs of Ethernet frames. A backend whose
 * frames carry the virtio-net header ({@link #vnetHeader()}, a tap with {@code vnet_hdr=on}) passes checksum and
 * segmentation offloads through, so that a NIC that speaks the header (virtio-net) moves 64 KiB segments instead of
 * MTU-sized frames; a NIC that does not (e1000) asks for none and sends plain frames.
 */
@ProviderType
public interface NetworkBackend extends Backend {
    /** How many queue pairs the backend has (a tap's {@code queues=N}); a NIC uses at most this many. */
    int queuePairs();

    /** Queue pair {@code index}, from 0 to {@link #queuePairs()} - 1. */
    NetworkQueue queue(int index);

    /**
     * Whether frames sent and received start with a {@value #VNET_HEADER_SIZE}-byte {@code virtio_net_hdr_v1}
     * (flags, gso_type, hdr_len, gso_size, csum_start, csum_offset, num_buffers), little-endian.
     */
    boolean vnetHeader();

    /** The size of the virtio-net header in frames of a backend with {@link #vnetHeader()}. */
    int VNET_HEADER_SIZE = 12;

    /**
     * Asks that frames received carry only these offloads ({@link NetOffloads} bits): what the guest's driver said
     * it can take (virtio-net's GUEST_CSUM, GUEST_TSO4/6...). A backend without the header ignores it.
     *
     * @throws IOException if the host refused (then frames come without offloads)
     */
    void setOffloads(int offloads) throws IOException;

    /**
     * Tells the backend how many queue pairs the guest uses now (virtio-net's multiqueue, which the driver turns on
     * after the device starts): a multiqueue tap then steers the host's frames into those queues only, so none
     * waits in a queue no thread reads. The default ignores it.
     *
     * @throws IOException if the host refused; frames then keep going to all queues
     */
    default void activeQueuePairs(int pairs) throws IOException {
    }

    /** Whether the backend has a link to its network (a vhost-user backend that lost its peer has none). */
    default boolean linkUp() {
        return true;
    }

    /** Tells {@code listener} when {@link #linkUp()} changes; a later call replaces it. */
    default void onLinkChange(Runnable listener) {
    }

    /**
     * What moves this backend's frames, as {@code info network} reports it: {@code userspace} when the NIC's own
     * threads do, or the name of an offload that took the rings (vhost-net, vhost-user).
     */
    default String datapath() {
        return "userspace";
    }

    /**
     * The datapath outside the VMM this backend offers for a NIC's rings (the kernel's vhost-net for a tap with
     * {@code vhost=on}, the peer of a vhost-user backend), or empty if the NIC's own threads move the frames. A NIC
     * that speaks virtio asks at DRIVER_OK and hands its data queues over; other NICs ignore it.
     *
     * @since 1.1
     */
    default Optional<VringOffload> offload() {
        return Optional.empty();
    }

    /**
     * Tells {@code listener} when {@link #offload()} changes (the bundle that provides it went away or came back),
     * on the thread that changed it: the listener stops the old offload, taking its ring indexes back, before it
     * returns. A later call replaces the listener; null removes it.
     *
     * @since 1.1
     */
    default void onOffloadChange(Runnable listener) {
    }

    /**
     * Sends {@code frame} (a {@link SelfAnnouncement}) into the host's network beside the NIC's own frames: from any
     * thread, whoever moves the datapath (a tap's frames may be moved by vhost-net). A backend with
     * {@link #vnetHeader()} puts the header (no offloads) in front itself.
     *
     * @return false if this backend has no network to announce to (user-mode networking: no switch to teach), as
     *     the default says
     * @throws IOException if the host refused the frame
     * @since 1.2
     */
    default boolean announce(byte[] frame) throws IOException {
        return false;
    }
}
