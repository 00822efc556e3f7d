package io.modvm.virtio.pci;

/** What the driver programmed for one queue through the common configuration structure. */
final class QueueRegisters {
    final int maxSize;
    int size;
    int vector = CommonConfig.NO_VECTOR;
    boolean enabled;
    long desc;
    long driver;
    long device;

    QueueRegisters(int maxSize) {
        this.maxSize = maxSize;
        this.size = maxSize;
    }

    void reset() {
        size = maxSize;
        vector = CommonConfig.NO_VECTOR;
        enabled = false;
        desc = 0;
        driver = 0;
        device = 0;
    }
}
