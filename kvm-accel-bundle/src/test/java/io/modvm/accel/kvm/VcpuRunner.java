package io.modvm.accel.kvm;

import io.modvm.api.accel.Vcpu;
import io.modvm.api.accel.VcpuExitHandler;
import io.modvm.api.accel.VcpuStop;
import io.modvm.api.accel.VirtualMachine;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A vCPU of a test VM on a thread of its own (vCPU calls belong to the creating thread): it is set up, runs until a
 * port handler kicks it, and then serves tasks on that same thread until closed.
 */
final class VcpuRunner implements AutoCloseable {
    /** Work on the vCPU's thread. */
    interface Task<T> {
        T run(Vcpu vcpu) throws Exception;
    }

    /** A port write; {@code vcpu.kick()} ends the run. */
    interface Out {
        void write(int port, long value, Vcpu vcpu) throws Exception;
    }

    private static final Task<Object> STOP = v -> null;

    private final BlockingQueue<Object[]> tasks = new LinkedBlockingQueue<>();
    private final CompletableFuture<VcpuStop> stop = new CompletableFuture<>();
    private final Thread thread;

    /** vCPU 0. */
    VcpuRunner(VirtualMachine vm, Task<?> setup, Out out) {
        this(vm, 0, setup, out);
    }

    VcpuRunner(VirtualMachine vm, int index, Task<?> setup, Out out) {
        thread = new Thread(() -> {
            try (Vcpu vcpu = vm.createVcpu(index)) {
                setup.run(vcpu);
                stop.complete(vcpu.run(handler(vcpu, out)));
                serve(vcpu);
            } catch (Throwable e) {
                stop.completeExceptionally(e);
            }
        }, "vcpu-runner-" + index);
        thread.start();
    }

    private static VcpuExitHandler handler(Vcpu vcpu, Out out) {
        return new VcpuExitHandler() {
            @Override
            public long pioRead(int port, int size) {
                return port == 0x3FD ? 0x60 : 0xFF; // COM1 line status: transmitter empty
            }

            @Override
            public void pioWrite(int port, int size, long value) {
                try {
                    out.write(port, value, vcpu);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public long mmioRead(long address, int size) {
                return -1;
            }

            @Override
            public void mmioWrite(long address, int size, long value) {
            }

            @Override
            public boolean onKick() {
                return false;
            }
        };
    }

    @SuppressWarnings("unchecked")
    private void serve(Vcpu vcpu) throws InterruptedException {
        while (true) {
            Object[] t = tasks.take();
            Task<Object> task = (Task<Object>) t[0];
            CompletableFuture<Object> result = (CompletableFuture<Object>) t[1];
            if (task == STOP) {
                result.complete(null);
                return;
            }
            try {
                result.complete(task.run(vcpu));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }
    }

    /** Waits for the run to end. */
    VcpuStop awaitStop() throws Exception {
        return stop.get(30, TimeUnit.SECONDS);
    }

    /** Runs {@code task} on the vCPU's thread once the run has ended. */
    @SuppressWarnings("unchecked")
    <T> T onVcpuThread(Task<T> task) throws Exception {
        CompletableFuture<Object> result = new CompletableFuture<>();
        tasks.add(new Object[] {task, result});
        try {
            return (T) result.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        if (!stop.isCompletedExceptionally()) {
            onVcpuThread(STOP);
        }
        thread.join(10_000);
    }
}
