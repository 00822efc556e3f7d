package io.modvm.net.vhost.user;

/** The front-end's requests of the vhost-user protocol (QEMU's docs/interop/vhost-user.rst) that a NIC needs. */
final class VhostUserRequest {
    static final int GET_FEATURES = 1;
    static final int SET_FEATURES = 2;
    static final int SET_OWNER = 3;
    static final int SET_MEM_TABLE = 5;
    static final int SET_LOG_BASE = 6;
    static final int SET_VRING_NUM = 8;
    static final int SET_VRING_ADDR = 9;
    static final int SET_VRING_BASE = 10;
    static final int GET_VRING_BASE = 11;
    static final int SET_VRING_KICK = 12;
    static final int SET_VRING_CALL = 13;
    static final int SET_VRING_ERR = 14;
    static final int GET_PROTOCOL_FEATURES = 15;
    static final int SET_PROTOCOL_FEATURES = 16;
    static final int GET_QUEUE_NUM = 17;
    static final int SET_VRING_ENABLE = 18;
    static final int SEND_RARP = 19;
    static final int NET_SET_MTU = 20;

    /** The header: u32 request, u32 flags, u32 payload size. */
    static final int HEADER_SIZE = 12;
    static final int FLAG_VERSION = 0x1;
    static final int FLAG_REPLY = 0x4;
    static final int FLAG_NEED_REPLY = 0x8;
    /** In a SET_VRING_KICK/CALL/ERR payload: no descriptor comes with the message. */
    static final long VRING_NOFD = 0x100;

    /** VHOST_USER_F_PROTOCOL_FEATURES, a feature bit of GET_FEATURES. */
    static final long F_PROTOCOL_FEATURES = 1L << 30;
    static final int PROTOCOL_MQ = 0;
    /** The log comes as a shared memory descriptor with SET_LOG_BASE: what migrating with a back-end takes. */
    static final int PROTOCOL_LOG_SHMFD = 1;
    static final int PROTOCOL_RARP = 2;
    static final int PROTOCOL_REPLY_ACK = 3;
    static final int PROTOCOL_NET_MTU = 4;
    /** The protocol features modvm speaks. */
    static final long PROTOCOL_OURS = (1L << PROTOCOL_MQ) | (1L << PROTOCOL_LOG_SHMFD) | (1L << PROTOCOL_RARP) | (1L << PROTOCOL_REPLY_ACK)
            | (1L << PROTOCOL_NET_MTU);
    /** How many memory regions a SET_MEM_TABLE may carry without the CONFIGURE_MEM_SLOTS feature. */
    static final int MAX_REGIONS = 8;

    private VhostUserRequest() {
    }

    /** The request's name as the specification writes it, for messages. */
    static String name(int request) {
        return switch (request) {
            case GET_FEATURES -> "GET_FEATURES";
            case SET_FEATURES -> "SET_FEATURES";
            case SET_OWNER -> "SET_OWNER";
            case SET_MEM_TABLE -> "SET_MEM_TABLE";
            case SET_LOG_BASE -> "SET_LOG_BASE";
            case SET_VRING_NUM -> "SET_VRING_NUM";
            case SET_VRING_ADDR -> "SET_VRING_ADDR";
            case SET_VRING_BASE -> "SET_VRING_BASE";
            case GET_VRING_BASE -> "GET_VRING_BASE";
            case SET_VRING_KICK -> "SET_VRING_KICK";
            case SET_VRING_CALL -> "SET_VRING_CALL";
            case SET_VRING_ERR -> "SET_VRING_ERR";
            case GET_PROTOCOL_FEATURES -> "GET_PROTOCOL_FEATURES";
            case SET_PROTOCOL_FEATURES -> "SET_PROTOCOL_FEATURES";
            case GET_QUEUE_NUM -> "GET_QUEUE_NUM";
            case SET_VRING_ENABLE -> "SET_VRING_ENABLE";
            case SEND_RARP -> "SEND_RARP";
            case NET_SET_MTU -> "NET_SET_MTU";
            default -> "request " + request;
        };
    }
}
