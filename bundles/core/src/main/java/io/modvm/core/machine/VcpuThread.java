package io.modvm.core.machine;

import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.accel.BootState;
import io.modvm.api.accel.Vcpu;
import io.modvm.api.accel.VcpuExitHandler;
import io.modvm.api.accel.VcpuStop;
import io.modvm.api.accel.VirtualMachine;
import io.modvm.core.bus.IoBus;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * One platform thread per vCPU: it creates the vCPU (vCPU calls are bound to their creating thread), runs the
 * exit loop, and dispatches port and MMIO exits to the machine's buses synchronously.
 */
final class VcpuThread extends Thread implements VcpuExitHandler {
    private final VcpuSet set;
    private final VirtualMachine vm;
    private final int index;
    private final BootState boot;
    private final IoBus pio;
    private final IoBus mmio;
    private final Consumer<RunEnd> post;
    private final CountDownLatch created;
    private boolean counted;
    private volatile Vcpu vcpu;

    /** @param created counted down once per vCPU of the run that exists (or failed to) */
    VcpuThread(VcpuSet set, CountDownLatch created, VirtualMachine vm, int index, BootState boot, IoBus pio,
            IoBus mmio, Consumer<RunEnd> post) {
        super("vcpu-" + index);
        this.set = set;
        this.created = created;
        this.vm = vm;
        this.index = index;
        this.boot = boot;
        this.pio = pio;
        this.mmio = mmio;
        this.post = post;
    }

    @Override
    public void run() {
        try (Vcpu v = vm.createVcpu(index)) {
            if (boot != null) {
                v.setBootState(boot);
            }
            vcpu = v;
            // No vCPU enters the guest before all exist: an AP created after the BSP sent its SIPI would miss it.
            countCreated();
            if (!set.awaitCreated(created)) {
                return;
            }
            // The stopper sets the flag before it kicks: either we see it here or its kick reaches KVM_RUN. A pause
            // that outlived the last run holds this one's vCPUs before they enter the guest.
            if (!set.parkIfPaused(this)) {
                return;
            }
            VcpuStop stop = v.run(this);
            switch (stop.reason()) {
                case REQUESTED -> {
                }
                case GUEST_RESET -> post.accept(RunEnd.reset());
                case GUEST_POWEROFF -> post.accept(RunEnd.powerOff());
                case TRIPLE_FAULT, INTERNAL_ERROR -> post.accept(RunEnd.error("vCPU " + index + ": "
                        + stop.detail() + (stop.registers() == null ? ""
                        : "\nvCPU " + index + " registers: " + stop.registers().format())));
            }
        } catch (AcceleratorException e) {
            post.accept(RunEnd.error("vCPU " + index + ": " + e.getMessage()));
        } catch (RuntimeException e) {
            post.accept(RunEnd.error("vCPU " + index + " failed: " + e));
        } finally {
            vcpu = null;
            countCreated();
            set.ended();
        }
    }

    private void countCreated() {
        if (!counted) {
            counted = true;
            created.countDown();
        }
    }

    int index() {
        return index;
    }

    /** The vCPU, once created and until it is closed; only its own thread may call it. */
    Vcpu vcpu() {
        return vcpu;
    }

    void kick() {
        Vcpu v = vcpu;
        if (v != null) {
            v.kick();
        }
    }

    @Override
    public long pioRead(int port, int size) {
        return pio.read(port, size);
    }

    @Override
    public void pioWrite(int port, int size, long value) {
        pio.write(port, size, value);
    }

    @Override
    public long mmioRead(long address, int size) {
        return mmio.read(address, size);
    }

    @Override
    public void mmioWrite(long address, int size, long value) {
        mmio.write(address, size, value);
    }

    @Override
    public boolean onKick() {
        return set.parkIfPaused(this);
    }
}
