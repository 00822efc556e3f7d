package io.modvm.virtio.balloon;

/** Hears when a guest changes how much memory its balloon holds (QEMU's BALLOON_CHANGE). */
public interface BalloonListener {
    /**
     * The driver wrote a new {@code actual}, or a reset emptied the balloon. Called on the thread that saw the change,
     * a vCPU thread for a driver write, so it must return quickly and must not throw.
     *
     * @param actualBytes the guest's usable memory now, as {@link Balloon#actualMemory()}
     */
    void actualChanged(Balloon balloon, long actualBytes);
}
