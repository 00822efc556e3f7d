package io.modvm.core.testing;

import io.modvm.api.accel.Attachment;
import io.modvm.api.accel.EventNotifier;
import io.modvm.api.accel.MsiRoute;
import io.modvm.api.accel.RamRegion;
import io.modvm.api.accel.Vcpu;
import io.modvm.api.accel.VirtualMachine;
import java.util.OptionalLong;

/** A VM for tests that override what they use: everything else refuses, and interrupt lines do nothing. */
public abstract class StubVm implements VirtualMachine {
    @Override
    public RamRegion allocateRam(String name, long size) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void mapRam(int slot, long guestAddress, RamRegion region, long regionOffset, long size,
            boolean readOnly) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Vcpu createVcpu(int index) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void setIrqLine(int gsi, boolean level) {
    }

    @Override
    public void signalMsi(long address, int data) {
    }

    @Override
    public EventNotifier bindIoEvent(long address, int length, boolean pio, OptionalLong dataMatch) {
        throw new UnsupportedOperationException();
    }

    @Override
    public EventNotifier bindIrq(int gsi) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Attachment attachIoEvent(EventNotifier notifier, long address, int length, boolean pio,
            OptionalLong dataMatch) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Attachment attachIrq(EventNotifier notifier, int gsi) {
        throw new UnsupportedOperationException();
    }

    @Override
    public MsiRoute routeMsi(long address, int data) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
}
