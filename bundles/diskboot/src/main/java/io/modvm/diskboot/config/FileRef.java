package io.modvm.diskboot.config;

/**
 * A file a configuration names, and on which partition.
 *
 * @param device GRUB's device name without parentheses ({@code hd0,msdos1}, {@code hd0,gpt2}), or null for the
 *     partition the configuration itself was read from
 * @param path absolute on that partition
 */
public record FileRef(String device, String path) {
}
