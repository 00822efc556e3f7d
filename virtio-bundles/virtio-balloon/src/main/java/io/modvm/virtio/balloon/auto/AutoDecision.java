package io.modvm.virtio.balloon.auto;

/**
 * One decision of the automatic policy.
 *
 * @param action what to do
 * @param target the new target in bytes; equal to the input's target for {@link Action#HOLD}
 * @param rule the rule that applied, in words, without numbers (the same rule gives the same text)
 * @param numbers the figures it was applied to, for the log
 */
public record AutoDecision(Action action, long target, String rule, String numbers) {
    /** The rule and the numbers in one line. */
    public String reason() {
        return numbers.isEmpty() ? rule : rule + "; " + numbers;
    }

    /** Which way the guest goes. */
    public enum Action {
        HOLD,
        GROW,
        SHRINK
    }
}
