package io.modvm.net.vhost.rings;

import io.modvm.api.memory.RamMapping;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The structures of Linux's {@code include/uapi/linux/vhost_types.h}, which vhost-user's payloads copy: little-endian
 * byte layouts, so that the kernel path and the socket path encode them once and tests can read them back.
 */
public final class VhostStructs {
    /** {@code struct vhost_vring_state}: u32 index, u32 num. */
    public static final int VRING_STATE_SIZE = 8;
    /** {@code struct vhost_vring_file}: u32 index, s32 fd. */
    public static final int VRING_FILE_SIZE = 8;
    /** {@code struct vhost_vring_addr}: u32 index, u32 flags, u64 desc, used, avail and log addresses. */
    public static final int VRING_ADDR_SIZE = 40;
    /** {@code struct vhost_memory}: u32 nregions, u32 padding. */
    public static final int MEMORY_HEADER_SIZE = 8;
    /** {@code struct vhost_memory_region} (and vhost-user's region): u64 guest, size, user address, last field. */
    public static final int MEMORY_REGION_SIZE = 32;

    private VhostStructs() {
    }

    private static ByteBuffer allocate(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    public static ByteBuffer vringState(int index, int num) {
        return allocate(VRING_STATE_SIZE).putInt(index).putInt(num).flip();
    }

    public static ByteBuffer vringFile(int index, int fd) {
        return allocate(VRING_FILE_SIZE).putInt(index).putInt(fd).flip();
    }

    /** VHOST_VRING_F_LOG, in {@code struct vhost_vring_addr}'s flags: log_guest_addr is valid, writes are logged. */
    public static final int VRING_F_LOG = 1;
    /** vhost-user's {@code VhostUserLog}: u64 mmap_size, u64 mmap_offset. */
    public static final int LOG_SIZE = 16;

    public static ByteBuffer vringAddr(int index, long desc, long used, long avail) {
        return vringAddr(index, desc, used, avail, -1);
    }

    /** With {@code logUsed} >= 0: VHOST_VRING_F_LOG, and the used ring's guest-physical address to log at. */
    public static ByteBuffer vringAddr(int index, long desc, long used, long avail, long logUsed) {
        return allocate(VRING_ADDR_SIZE).putInt(index).putInt(logUsed >= 0 ? VRING_F_LOG : 0).putLong(desc)
                .putLong(used).putLong(avail).putLong(Math.max(0, logUsed)).flip();
    }

    /** vhost-user's SET_LOG_BASE payload: the log's size, mapped from offset 0 of the descriptor that comes along. */
    public static ByteBuffer log(long mmapSize) {
        return allocate(LOG_SIZE).putLong(mmapSize).putLong(0).flip();
    }

    /** VHOST_SET_LOG_BASE's argument: the log's address in this process. */
    public static ByteBuffer u64(long value) {
        return allocate(8).putLong(value).flip();
    }

    /**
     * A memory table: the header, then one region per mapping. The kernel's region ends with {@code flags_padding}
     * (0); vhost-user's with {@code mmap_offset}, the mapping's offset in the descriptor it passes.
     */
    public static ByteBuffer memoryTable(List<RamMapping> memory, boolean mmapOffsets) {
        ByteBuffer b = allocate(MEMORY_HEADER_SIZE + MEMORY_REGION_SIZE * memory.size());
        b.putInt(memory.size()).putInt(0);
        for (RamMapping m : memory) {
            b.putLong(m.guestAddress()).putLong(m.size()).putLong(m.hostAddress())
                    .putLong(mmapOffsets ? m.fdOffset() : 0);
        }
        return b.flip();
    }

    /** The {@code num} of a {@code struct vhost_vring_state}, as VHOST_GET_VRING_BASE fills it in. */
    public static int stateNum(ByteBuffer state) {
        return state.order(ByteOrder.LITTLE_ENDIAN).getInt(4);
    }
}
