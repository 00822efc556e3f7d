package io.modvm.net.vhost.rings;

import io.modvm.api.memory.RamMapping;
import java.io.IOException;
import java.util.List;

/**
 * The requests the kernel's vhost ioctls and vhost-user's messages share, by the ioctls' names: what a vring
 * offload sends to set up, start and stop the rings. Vring indexes are the backend's own (vhost-net serves one
 * queue pair per instance: 0 its receiveq, 1 its transmitq).
 */
public interface VhostDevice {
    /** VHOST_GET_FEATURES. */
    long features() throws IOException;

    /** VHOST_SET_FEATURES. */
    void setFeatures(long features) throws IOException;

    /** VHOST_SET_MEM_TABLE: guest RAM as the backend maps it. */
    void setMemTable(List<RamMapping> memory) throws IOException;

    /** VHOST_SET_VRING_NUM. */
    void setVringNum(int index, int size) throws IOException;

    /**
     * VHOST_SET_VRING_ADDR, with the rings' addresses in this process; with {@code logUsed} >= 0, VHOST_VRING_F_LOG
     * and that guest-physical address of the used ring, whose writes the backend then logs.
     */
    void setVringAddr(int index, long desc, long used, long avail, long logUsed) throws IOException;

    /** VHOST_SET_LOG_BASE: where the backend logs the pages it writes while VHOST_F_LOG_ALL is acknowledged. */
    void setLogBase(VhostLog log) throws IOException;

    /** VHOST_SET_VRING_BASE: the available index to start from. */
    void setVringBase(int index, int base) throws IOException;

    /** VHOST_GET_VRING_BASE: stops the ring and returns the available index it stopped at. */
    int vringBase(int index) throws IOException;

    /** VHOST_SET_VRING_KICK; -1 for none. */
    void setVringKick(int index, int fd) throws IOException;

    /** VHOST_SET_VRING_CALL; -1 for none. */
    void setVringCall(int index, int fd) throws IOException;
}
