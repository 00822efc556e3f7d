package io.modvm.migration.stream;

/**
 * A disk a block migration carries, as the disk list ({@link StreamFormat}) names it: the block node's id and its
 * virtual size in bytes.
 */
public record StreamDisk(String id, long size) {
}
