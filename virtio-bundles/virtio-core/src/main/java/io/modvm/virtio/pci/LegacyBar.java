package io.modvm.virtio.pci;

import io.modvm.api.device.BusHandler;

/**
 * The legacy virtio-pci header in I/O BAR 0 ({@link LegacyHeader}), decoded onto the transport's registers: the ones
 * both interfaces share (status, queue select, vectors) are the modern ones, so a device looks the same whichever
 * interface its driver uses. Every access is little-endian, as the legacy interface is guest-endian on x86.
 */
final class LegacyBar implements BusHandler {
    private final VirtioPciTransport transport;

    LegacyBar(VirtioPciTransport transport) {
        this.transport = transport;
    }

    /** Where the device-specific configuration starts: after the vector registers while MSI-X is enabled. */
    private int configStart() {
        return transport.msixEnabled() ? LegacyHeader.CONFIG_MSIX : LegacyHeader.CONFIG;
    }

    @Override
    public long read(long offset, int size) {
        int at = (int) offset;
        int config = configStart();
        if (at >= config) {
            int c = at - config;
            return c + size <= transport.device().configSize() ? transport.device().readConfig(c, size) : 0;
        }
        return switch (at) {
            case LegacyHeader.HOST_FEATURES -> transport.legacyFeatures();
            case LegacyHeader.GUEST_FEATURES -> transport.legacyDriverFeatures();
            case LegacyHeader.QUEUE_PFN -> transport.queuePfn();
            case LegacyHeader.QUEUE_SIZE -> transport.legacyQueueSize();
            case LegacyHeader.QUEUE_SELECT -> transport.readShared(CommonConfig.QUEUE_SELECT, 2);
            case LegacyHeader.DEVICE_STATUS -> transport.readShared(CommonConfig.DEVICE_STATUS, 1);
            case LegacyHeader.ISR -> transport.isrAndClear();
            case LegacyHeader.CONFIG_VECTOR -> transport.readShared(CommonConfig.CONFIG_MSIX_VECTOR, 2);
            case LegacyHeader.QUEUE_VECTOR -> transport.readShared(CommonConfig.QUEUE_MSIX_VECTOR, 2);
            default -> 0;
        };
    }

    @Override
    public void write(long offset, int size, long value) {
        int at = (int) offset;
        boolean reset = at == LegacyHeader.DEVICE_STATUS && (value & 0xFF) == 0;
        if (!transport.mayWrite(VirtioPciTransport.DRIVER_LEGACY, reset)) {
            return;
        }
        int config = configStart();
        if (at >= config) {
            int c = at - config;
            if (c + size <= transport.device().configSize()) {
                transport.device().writeConfig(c, size, value);
            }
            return;
        }
        switch (at) {
            case LegacyHeader.GUEST_FEATURES -> transport.setLegacyDriverFeatures(value & 0xFFFF_FFFFL);
            case LegacyHeader.QUEUE_PFN -> transport.setQueuePfn(value & 0xFFFF_FFFFL);
            case LegacyHeader.QUEUE_SELECT -> transport.legacySelect((int) value & 0xFFFF);
            case LegacyHeader.QUEUE_NOTIFY -> transport.legacyNotify((int) value & 0xFFFF);
            case LegacyHeader.DEVICE_STATUS -> transport.writeShared(CommonConfig.DEVICE_STATUS, 1, value & 0xFF);
            case LegacyHeader.CONFIG_VECTOR -> transport.writeShared(CommonConfig.CONFIG_MSIX_VECTOR, 2,
                    value & 0xFFFF);
            case LegacyHeader.QUEUE_VECTOR -> transport.writeShared(CommonConfig.QUEUE_MSIX_VECTOR, 2,
                    value & 0xFFFF);
            default -> {
                // host features, queue size and ISR are read-only
            }
        }
    }
}
