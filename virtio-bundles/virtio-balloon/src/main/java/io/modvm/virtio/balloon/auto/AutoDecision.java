package io.modvm.virtio.balloon.auto;

/**
 * One decision of the automatic policy.
 *
 * @param action what to do
 * @param target the new target in bytes; equal to the input's target for {@link Action#HOLD}
 * @param reason the numbers and the rule that drove it, for the log
 */
public record AutoDecision(Action action, long target, String reason) {
    /** Which way the guest goes. */
    public enum Action {
        HOLD,
        GROW,
        SHRINK
    }
}
