package io.modvm.diskboot.source;

import io.modvm.diskboot.fs.FileSystem;

/**
 * A file system on the disk and how GRUB and the user name its place.
 *
 * @param number the partition number, 0 for a file system on the whole disk
 * @param device GRUB's name for it: {@code hd0,msdos1}, {@code hd0,gpt2}, {@code hd0}
 */
record Volume(int number, String device, FileSystem fs) {
    /** For the user: {@code partition 1 (ext4)}, {@code whole disk (vfat)}. */
    String describe() {
        return (number == 0 ? "whole disk" : "partition " + number) + " (" + fs.type() + ")";
    }

    /** True if GRUB's device name {@code name} ({@code hd0,msdos1}, {@code hd0,gpt1}, {@code hd0,1}) is this one. */
    boolean isNamed(String name) {
        if (name.equals(device)) {
            return true;
        }
        int comma = name.indexOf(',');
        if (comma < 0 || !name.substring(0, comma).equals("hd0")) {
            return false;
        }
        String part = name.substring(comma + 1).replaceFirst("^(msdos|gpt)", "");
        return part.equals(String.valueOf(number));
    }
}
