package io.modvm.virtio.console;

import io.modvm.api.device.StatefulDevice;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;

/**
 * What a {@code virtio-serial-pci} without a chardev is: a device that holds nothing (see ConsoleSerialPciFactory).
 * It has a state all the same, an empty {@value #STATE_TYPE} record, so that a machine started with QEMU's
 * {@code -device virtio-serial-pci -device virtconsole,...} can be saved, migrated and carried across an update.
 */
final class EmptySerialBus implements StatefulDevice {
    static final String STATE_TYPE = "virtio-serial-bus";
    static final int STATE_VERSION = 1;

    private final String id;

    EmptySerialBus(String id) {
        this.id = id;
    }

    /** The successor of a saved empty bus; {@code state} must be one. */
    static EmptySerialBus restore(String id, StateRecord state) throws StateException {
        state.require(STATE_TYPE, 1, STATE_VERSION);
        return new EmptySerialBus(id);
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

    @Override
    public void quiesce() {
    }

    @Override
    public StateRecord saveState() {
        return StateRecord.builder(STATE_TYPE, STATE_VERSION).build();
    }

    @Override
    public void resume() {
    }
}
