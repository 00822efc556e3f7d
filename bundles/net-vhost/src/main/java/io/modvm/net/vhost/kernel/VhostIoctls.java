package io.modvm.net.vhost.kernel;

/** The request numbers of Linux's {@code include/uapi/linux/vhost.h} (type 0xAF), as _IO/_IOR/_IOW/_IOWR make them. */
final class VhostIoctls {
    private static final int VIRTIO = 0xAF;
    private static final int NONE = 0;
    private static final int WRITE = 1;
    private static final int READ = 2;

    /** _IOR(VHOST_VIRTIO, 0x00, __u64) */
    static final long GET_FEATURES = ioc(READ, 0x00, 8);
    /** _IOW(VHOST_VIRTIO, 0x00, __u64) */
    static final long SET_FEATURES = ioc(WRITE, 0x00, 8);
    /** _IO(VHOST_VIRTIO, 0x01) */
    static final long SET_OWNER = ioc(NONE, 0x01, 0);
    /** _IOW(VHOST_VIRTIO, 0x03, struct vhost_memory) */
    static final long SET_MEM_TABLE = ioc(WRITE, 0x03, 8);
    /** _IOW(VHOST_VIRTIO, 0x04, __u64): the log's address in this process. */
    static final long SET_LOG_BASE = ioc(WRITE, 0x04, 8);
    /** _IOW(VHOST_VIRTIO, 0x10, struct vhost_vring_state) */
    static final long SET_VRING_NUM = ioc(WRITE, 0x10, 8);
    /** _IOW(VHOST_VIRTIO, 0x11, struct vhost_vring_addr) */
    static final long SET_VRING_ADDR = ioc(WRITE, 0x11, 40);
    /** _IOW(VHOST_VIRTIO, 0x12, struct vhost_vring_state) */
    static final long SET_VRING_BASE = ioc(WRITE, 0x12, 8);
    /** _IOWR(VHOST_VIRTIO, 0x12, struct vhost_vring_state) */
    static final long GET_VRING_BASE = ioc(READ | WRITE, 0x12, 8);
    /** _IOW(VHOST_VIRTIO, 0x20, struct vhost_vring_file) */
    static final long SET_VRING_KICK = ioc(WRITE, 0x20, 8);
    /** _IOW(VHOST_VIRTIO, 0x21, struct vhost_vring_file) */
    static final long SET_VRING_CALL = ioc(WRITE, 0x21, 8);
    /** _IOW(VHOST_VIRTIO, 0x30, struct vhost_vring_file) */
    static final long NET_SET_BACKEND = ioc(WRITE, 0x30, 8);

    private VhostIoctls() {
    }

    /** Linux's _IOC on x86: direction in bits 30-31, size in 16-29, type in 8-15, number in 0-7. */
    static long ioc(int direction, int number, int size) {
        return ((long) direction << 30) | ((long) size << 16) | (VIRTIO << 8) | number;
    }
}
