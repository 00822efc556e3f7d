package io.modvm.virtio.net;

/** What virtio 1.2, section 5.1, fixes for a network device: its type, feature bits, header and control codes. */
final class VirtioNet {
    static final int DEVICE_TYPE = 1;
    /** PCI_CLASS_NETWORK_ETHERNET, as QEMU's virtio-net-pci reports. */
    static final int PCI_CLASS = 0x020000;
    static final int QUEUE_SIZE = 256;

    static final int F_CSUM = 0;
    static final int F_GUEST_CSUM = 1;
    static final int F_CTRL_GUEST_OFFLOADS = 2;
    static final int F_MTU = 3;
    static final int F_MAC = 5;
    static final int F_GUEST_TSO4 = 7;
    static final int F_GUEST_TSO6 = 8;
    static final int F_GUEST_ECN = 9;
    static final int F_GUEST_UFO = 10;
    static final int F_HOST_TSO4 = 11;
    static final int F_HOST_TSO6 = 12;
    static final int F_HOST_ECN = 13;
    static final int F_HOST_UFO = 14;
    static final int F_MRG_RXBUF = 15;
    static final int F_STATUS = 16;
    static final int F_CTRL_VQ = 17;
    static final int F_CTRL_RX = 18;
    static final int F_CTRL_VLAN = 19;
    static final int F_CTRL_RX_EXTRA = 20;
    static final int F_GUEST_ANNOUNCE = 21;
    static final int F_MQ = 22;
    static final int F_CTRL_MAC_ADDR = 23;

    static final int S_LINK_UP = 1;
    static final int S_ANNOUNCE = 2;

    /** virtio_net_hdr_v1: flags, gso_type, hdr_len, gso_size, csum_start, csum_offset, num_buffers. */
    static final int HEADER_SIZE = 12;
    static final int HDR_F_NEEDS_CSUM = 1;
    static final int HDR_F_DATA_VALID = 2;
    static final int GSO_NONE = 0;
    static final int GSO_TCPV4 = 1;
    static final int GSO_UDP = 3;
    static final int GSO_TCPV6 = 4;
    static final int GSO_ECN = 0x80;

    static final int CTRL_RX = 0;
    static final int CTRL_RX_PROMISC = 0;
    static final int CTRL_RX_ALLMULTI = 1;
    static final int CTRL_RX_ALLUNI = 2;
    static final int CTRL_RX_NOMULTI = 3;
    static final int CTRL_RX_NOUNI = 4;
    static final int CTRL_RX_NOBCAST = 5;
    static final int CTRL_MAC = 1;
    static final int CTRL_MAC_TABLE_SET = 0;
    static final int CTRL_MAC_ADDR_SET = 1;
    static final int CTRL_VLAN = 2;
    static final int CTRL_VLAN_ADD = 0;
    static final int CTRL_VLAN_DEL = 1;
    static final int CTRL_ANNOUNCE = 3;
    static final int CTRL_ANNOUNCE_ACK = 0;
    static final int CTRL_MQ = 4;
    static final int CTRL_MQ_VQ_PAIRS_SET = 0;
    static final int CTRL_GUEST_OFFLOADS = 5;
    static final int CTRL_GUEST_OFFLOADS_SET = 0;
    static final int CTRL_OK = 0;
    static final int CTRL_ERR = 1;

    /** The largest frame without segmentation offload: a jumbo frame and its Ethernet header. */
    static final int MAX_PLAIN_FRAME = 9216 + 18;
    /** The largest frame with it: 64 KiB of IP and the Ethernet and VLAN headers. */
    static final int MAX_GSO_FRAME = 65_535 + 18;
    static final int ETH_HEADER = 14;
    static final int MAC_TABLE_ENTRIES = 64;
    static final int VLANS = 4096;

    private VirtioNet() {
    }

    /** The queue index of the receive queue of pair {@code pair}. */
    static int rxQueue(int pair) {
        return 2 * pair;
    }

    /** The queue index of the transmit queue of pair {@code pair}. */
    static int txQueue(int pair) {
        return 2 * pair + 1;
    }
}
