package io.modvm.net.vhost.kernel;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import io.modvm.api.memory.RamMapping;
import io.modvm.net.vhost.rings.Libc;
import io.modvm.net.vhost.rings.VhostDevice;
import io.modvm.net.vhost.rings.VhostLog;
import io.modvm.net.vhost.rings.VhostStructs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/** One open {@code /dev/vhost-net}: the {@link VhostDevice} requests as ioctls, and the net backend's own. */
final class KernelVhost implements VhostDevice, AutoCloseable {
    static final String DEVICE = "/dev/vhost-net";

    private final int fd;
    private final String owner;

    private KernelVhost(int fd, String owner) {
        this.fd = fd;
        this.owner = owner;
    }

    /** Opens /dev/vhost-net and makes this process its owner (VHOST_SET_OWNER). */
    static KernelVhost open(String owner) throws IOException {
        int fd;
        try {
            fd = Libc.open(DEVICE, Libc.O_RDWR | Libc.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException(owner + ": could not open " + DEVICE + ": " + Libc.describe(e.getErrorCode())
                    + (e.getErrorCode() == Libc.ENOENT ? "; load the vhost_net module (modprobe vhost_net)"
                            : e.getErrorCode() == Libc.EACCES ? "; run as root or let this user open it" : ""), e);
        }
        KernelVhost k = new KernelVhost(fd, owner);
        try {
            k.call("VHOST_SET_OWNER", VhostIoctls.SET_OWNER, null);
            return k;
        } catch (IOException e) {
            k.close();
            throw e;
        }
    }

    private void call(String name, long request, ByteBuffer argument) throws IOException {
        try {
            if (argument == null) {
                Libc.ioctl(fd, request, 0L);
            } else {
                try (Memory m = new Memory(Math.max(1, argument.remaining()))) {
                    m.write(0, argument.array(), argument.position(), argument.remaining());
                    Libc.ioctl(fd, request, m);
                    m.read(0, argument.array(), argument.position(), argument.remaining());
                }
            }
        } catch (LastErrorException e) {
            throw new IOException(owner + ": vhost-net refused " + name + ": " + Libc.describe(e.getErrorCode()), e);
        }
    }

    @Override
    public long features() throws IOException {
        ByteBuffer b = VhostStructs.vringState(0, 0);
        call("VHOST_GET_FEATURES", VhostIoctls.GET_FEATURES, b);
        return b.getLong(0);
    }

    @Override
    public void setFeatures(long features) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, features);
        call("VHOST_SET_FEATURES", VhostIoctls.SET_FEATURES, b);
    }

    @Override
    public void setMemTable(List<RamMapping> memory) throws IOException {
        call("VHOST_SET_MEM_TABLE", VhostIoctls.SET_MEM_TABLE, VhostStructs.memoryTable(memory, false));
    }

    @Override
    public void setVringNum(int index, int size) throws IOException {
        call("VHOST_SET_VRING_NUM", VhostIoctls.SET_VRING_NUM, VhostStructs.vringState(index, size));
    }

    @Override
    public void setVringAddr(int index, long desc, long used, long avail, long logUsed) throws IOException {
        call("VHOST_SET_VRING_ADDR", VhostIoctls.SET_VRING_ADDR,
                VhostStructs.vringAddr(index, desc, used, avail, logUsed));
    }

    /**
     * VHOST_SET_LOG_BASE with the log's address in this process: the kernel sets its bits there itself (atomic ORs
     * through this process's page tables, {@code log_write} in drivers/vhost/vhost.c), one per 4 KiB guest page.
     */
    @Override
    public void setLogBase(VhostLog log) throws IOException {
        call("VHOST_SET_LOG_BASE", VhostIoctls.SET_LOG_BASE, VhostStructs.u64(log.address()));
    }

    @Override
    public void setVringBase(int index, int base) throws IOException {
        call("VHOST_SET_VRING_BASE", VhostIoctls.SET_VRING_BASE, VhostStructs.vringState(index, base));
    }

    @Override
    public int vringBase(int index) throws IOException {
        ByteBuffer b = VhostStructs.vringState(index, 0);
        call("VHOST_GET_VRING_BASE", VhostIoctls.GET_VRING_BASE, b);
        return VhostStructs.stateNum(b);
    }

    @Override
    public void setVringKick(int index, int kickFd) throws IOException {
        call("VHOST_SET_VRING_KICK", VhostIoctls.SET_VRING_KICK, VhostStructs.vringFile(index, kickFd));
    }

    @Override
    public void setVringCall(int index, int callFd) throws IOException {
        call("VHOST_SET_VRING_CALL", VhostIoctls.SET_VRING_CALL, VhostStructs.vringFile(index, callFd));
    }

    /** VHOST_NET_SET_BACKEND: ring {@code index} moves frames through the tap {@code tapFd}; -1 detaches it. */
    void setBackend(int index, int tapFd) throws IOException {
        call("VHOST_NET_SET_BACKEND", VhostIoctls.NET_SET_BACKEND, VhostStructs.vringFile(index, tapFd));
    }

    @Override
    public void close() {
        Libc.closeQuietly(fd);
    }
}
