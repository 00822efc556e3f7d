package io.modvm.diskboot.config;

/** GRUB's {@code search}: finds the partition of this disk whose file system has a UUID, label or file. */
@FunctionalInterface
public interface DeviceSearch {
    /**
     * @param kind {@code fs-uuid}, {@code label} or {@code file}
     * @return the device name ({@code hd0,msdos1}), or null if no partition matches
     */
    String find(String kind, String name);
}
