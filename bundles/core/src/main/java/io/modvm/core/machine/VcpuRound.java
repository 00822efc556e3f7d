package io.modvm.core.machine;

import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.accel.Vcpu;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One piece of work for every vCPU of a paused machine, each done on its own vCPU's thread (KVM binds vCPU calls to
 * the thread that created the vCPU): saving or restoring their state. The parked threads take it from
 * {@link VcpuSet}; the caller waits until all have done their part.
 */
final class VcpuRound<T> {
    /** The work for one vCPU. */
    @FunctionalInterface
    interface Work<T> {
        T run(Vcpu vcpu) throws AcceleratorException;
    }

    private final Work<T> work;
    private final Object[] results;
    private final boolean[] done;
    private int remaining;
    private AcceleratorException failure;

    VcpuRound(Work<T> work, int vcpus) {
        this.work = work;
        this.results = new Object[vcpus];
        this.done = new boolean[vcpus];
        this.remaining = vcpus;
    }

    /** True if vCPU {@code index} has yet to do its part. Called under the set's lock, as all of this is. */
    boolean pendingFor(int index) {
        return index < done.length && !done[index];
    }

    /** Does vCPU {@code index}'s part on the calling thread, which must be that vCPU's. */
    void runOn(int index, Vcpu vcpu) {
        try {
            if (vcpu == null) {
                throw new AcceleratorException("vCPU " + index + " does not exist");
            }
            results[index] = work.run(vcpu);
        } catch (AcceleratorException e) {
            if (failure == null) {
                failure = e;
            }
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = new AcceleratorException("vCPU " + index + ": " + e, e);
            }
        }
        done[index] = true;
        remaining--;
    }

    boolean complete() {
        return remaining == 0;
    }

    /** What each vCPU returned, in vCPU order; the first failure instead, if any. */
    @SuppressWarnings("unchecked")
    List<T> results() throws AcceleratorException {
        if (failure != null) {
            throw failure;
        }
        List<T> out = new ArrayList<>(results.length);
        for (Object r : results) {
            out.add((T) r);
        }
        return out;
    }

    @Override
    public String toString() {
        return "vCPU round, done " + Arrays.toString(done);
    }
}
