package io.modvm.core.machine;

import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.accel.BootState;
import io.modvm.api.accel.Vcpu;
import io.modvm.api.accel.VcpuExitHandler;
import io.modvm.api.accel.VcpuStop;
import io.modvm.api.accel.VirtualMachine;

/**
 * One platform thread per vCPU: it creates the vCPU (vCPU calls are bound to their creating thread), runs the
 * exit loop, and dispatches port and MMIO exits to the machine's buses synchronously.
 */
final class VcpuThread extends Thread implements VcpuExitHandler {
    private final VmMachine machine;
    private final VirtualMachine vm;
    private final int index;
    private final BootState boot;
    private volatile Vcpu vcpu;

    VcpuThread(VmMachine machine, VirtualMachine vm, int index, BootState boot) {
        super("vcpu-" + index);
        this.machine = machine;
        this.vm = vm;
        this.index = index;
        this.boot = boot;
    }

    @Override
    public void run() {
        try (Vcpu v = vm.createVcpu(index)) {
            if (boot != null) {
                v.setBootState(boot);
            }
            vcpu = v;
            // The stopper sets the flag before it kicks: either we see it here or its kick reaches KVM_RUN.
            if (machine.stopRequested()) {
                return;
            }
            VcpuStop stop = v.run(this);
            switch (stop.reason()) {
                case REQUESTED -> {
                }
                case GUEST_RESET -> machine.post(MachineEvent.reset());
                case GUEST_POWEROFF -> machine.post(MachineEvent.powerOff());
                case TRIPLE_FAULT, INTERNAL_ERROR -> machine.post(MachineEvent.error("vCPU " + index + ": "
                        + stop.detail() + (stop.registers() == null ? ""
                        : "\nvCPU " + index + " registers: " + stop.registers().format())));
            }
        } catch (AcceleratorException e) {
            machine.post(MachineEvent.error("vCPU " + index + ": " + e.getMessage()));
        } catch (RuntimeException e) {
            machine.post(MachineEvent.error("vCPU " + index + " failed: " + e));
        } finally {
            vcpu = null;
            machine.vcpuEnded();
        }
    }

    void kick() {
        Vcpu v = vcpu;
        if (v != null) {
            v.kick();
        }
    }

    @Override
    public long pioRead(int port, int size) {
        return machine.pio.read(port, size);
    }

    @Override
    public void pioWrite(int port, int size, long value) {
        machine.pio.write(port, size, value);
    }

    @Override
    public long mmioRead(long address, int size) {
        return machine.mmio.read(address, size);
    }

    @Override
    public void mmioWrite(long address, int size, long value) {
        machine.mmio.write(address, size, value);
    }

    @Override
    public boolean onKick() {
        return machine.parkIfPaused();
    }
}
