package io.modvm.virtio.balloon.auto;

/**
 * The bounds the automatic policy works within.
 *
 * @param min the least usable memory the guest is ever shrunk to, in bytes ({@code auto-min})
 * @param max the most usable memory the guest is ever grown to, in bytes ({@code auto-max}, at most RAM)
 * @param hostReserve host MemAvailable, in bytes, that the policy keeps free for the host ({@code auto-host-reserve})
 * @param intervalSeconds how often the policy decides ({@code auto-interval})
 */
public record AutoLimits(long min, long max, long hostReserve, long intervalSeconds) {
}
