package io.modvm.virtio.console;

import io.modvm.api.device.Device;

/** What a {@code virtio-serial-pci} without a chardev is: a device that holds nothing (see ConsoleSerialPciFactory). */
final class EmptySerialBus implements Device {
    private final String id;

    EmptySerialBus(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public void reset() {
    }

    @Override
    public void close() {
    }
}
