package io.modvm.virtio.testing;

import io.modvm.api.device.BusHandler;
import io.modvm.api.pci.PciCapability;
import io.modvm.api.pci.PciFunctionSpec;
import io.modvm.virtio.queue.TestDriver;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The guest's virtio_pci_modern driver in a test: finds the structures through the vendor capabilities of the
 * function the device plugged, negotiates, sets up queues and kicks them through the function's ioeventfds. After a
 * hand-over, {@link #rebind} points it at the BAR the new instance plugged, while the rings stay in guest memory.
 */
public final class PciDriver {
    public static final int STATUS_ACKNOWLEDGE = 1;
    public static final int STATUS_DRIVER = 2;
    public static final int STATUS_DRIVER_OK = 4;
    public static final int STATUS_FEATURES_OK = 8;
    public static final int STATUS_NEEDS_RESET = 0x40;

    private static final int DEVICE_FEATURE_SELECT = 0x00;
    private static final int DEVICE_FEATURE = 0x04;
    private static final int DRIVER_FEATURE_SELECT = 0x08;
    private static final int DRIVER_FEATURE = 0x0C;
    private static final int CONFIG_MSIX_VECTOR = 0x10;
    private static final int DEVICE_STATUS = 0x14;
    private static final int CONFIG_GENERATION = 0x15;
    private static final int QUEUE_SELECT = 0x16;
    private static final int QUEUE_SIZE = 0x18;
    private static final int QUEUE_MSIX_VECTOR = 0x1A;
    private static final int QUEUE_ENABLE = 0x1C;
    private static final int QUEUE_NOTIFY_OFF = 0x1E;
    private static final int QUEUE_DESC = 0x20;
    private static final int QUEUE_DRIVER = 0x28;
    private static final int QUEUE_DEVICE = 0x30;

    private final FakePciFunction pci;
    private BusHandler bar;
    private int common;
    private int isr;
    private int config;
    private int notify;
    private int notifyMultiplier;

    public PciDriver(PciFunctionSpec spec, FakePciFunction pci) {
        this.pci = pci;
        rebind(spec);
    }

    /**
     * Uses the modern BAR and capabilities of {@code spec}, the function as the device (a restored one) plugged it:
     * the BAR the common configuration capability names, as a driver finds it (BAR 4 of a transitional function).
     */
    public void rebind(PciFunctionSpec spec) {
        for (PciCapability cap : spec.capabilities()) {
            ByteBuffer body = ByteBuffer.wrap(cap.body()).order(ByteOrder.LITTLE_ENDIAN);
            if (cap.id() != PciCapability.VENDOR_SPECIFIC) {
                continue;
            }
            int index = body.get(2);
            bar = spec.bars().stream().filter(b -> b.index() == index).findFirst().orElseThrow().handler();
            int offset = body.getInt(6);
            switch (body.get(1)) {
                case 1 -> common = offset;
                case 2 -> {
                    notify = offset;
                    notifyMultiplier = body.getInt(14);
                }
                case 3 -> isr = offset;
                case 4 -> config = offset;
                default -> {
                }
            }
        }
    }

    public BusHandler bar() {
        return bar;
    }

    /** Everything the device offers. */
    public long offered() {
        return features(DEVICE_FEATURE_SELECT, DEVICE_FEATURE);
    }

    private long features(int select, int window) {
        long features = 0;
        for (int half = 0; half < 2; half++) {
            bar.write(common + select, 4, half);
            features |= bar.read(common + window, 4) << (32 * half);
        }
        return features;
    }

    /** ACKNOWLEDGE, DRIVER, writes {@code features}, FEATURES_OK; returns the status read back. */
    public int negotiate(long features) {
        status(STATUS_ACKNOWLEDGE);
        status(STATUS_ACKNOWLEDGE | STATUS_DRIVER);
        for (int half = 0; half < 2; half++) {
            bar.write(common + DRIVER_FEATURE_SELECT, 4, half);
            bar.write(common + DRIVER_FEATURE, 4, (features >>> (32 * half)) & 0xFFFF_FFFFL);
        }
        status(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
        return status();
    }

    /** Programs queue {@code q} as {@code ring} lays it out, with MSI-X {@code vector}, and enables it. */
    public void queue(int q, TestDriver ring, int vector) {
        bar.write(common + QUEUE_SELECT, 2, q);
        bar.write(common + QUEUE_SIZE, 2, ring.config().size());
        bar.write(common + QUEUE_MSIX_VECTOR, 2, vector);
        bar.write(common + QUEUE_DESC, 8, ring.descTable());
        bar.write(common + QUEUE_DRIVER, 8, ring.availRing());
        bar.write(common + QUEUE_DEVICE, 8, ring.usedRing());
        bar.write(common + QUEUE_ENABLE, 2, 1);
    }

    public void configVector(int vector) {
        bar.write(common + CONFIG_MSIX_VECTOR, 2, vector);
    }

    public int configVector() {
        return (int) bar.read(common + CONFIG_MSIX_VECTOR, 2);
    }

    /** Sets DRIVER_OK on top of the negotiated status. */
    public void driverOk() {
        status(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
    }

    public void status(int value) {
        bar.write(common + DEVICE_STATUS, 1, value);
    }

    public int status() {
        return (int) bar.read(common + DEVICE_STATUS, 1);
    }

    public int generation() {
        return (int) bar.read(common + CONFIG_GENERATION, 1);
    }

    /** What the driver reads back for queue {@code q}: size, vector, enable, and the three addresses. */
    public long[] queueRegisters(int q) {
        bar.write(common + QUEUE_SELECT, 2, q);
        return new long[] {bar.read(common + QUEUE_SIZE, 2), bar.read(common + QUEUE_MSIX_VECTOR, 2),
            bar.read(common + QUEUE_ENABLE, 2), bar.read(common + QUEUE_DESC, 8), bar.read(common + QUEUE_DRIVER, 8),
            bar.read(common + QUEUE_DEVICE, 8)};
    }

    /** The negotiated features as the driver reads them back. */
    public long driverFeatures() {
        return features(DRIVER_FEATURE_SELECT, DRIVER_FEATURE);
    }

    /** Reads (and so clears) the ISR. */
    public int isr() {
        return (int) bar.read(isr, 1);
    }

    public long readConfig(int offset, int size) {
        return bar.read(config + offset, size);
    }

    public void writeConfig(int offset, int size, long value) {
        bar.write(config + offset, size, value);
    }

    /** The driver's kick of queue {@code q}, through the ioeventfd bound at its notify address. */
    public void kick(int q) {
        bar.write(common + QUEUE_SELECT, 2, q);
        long off = bar.read(common + QUEUE_NOTIFY_OFF, 2);
        pci.kickAt(notify + off * notifyMultiplier);
    }
}
