package io.modvm.core.cli;

/**
 * One disk of the command line a boot may start from.
 *
 * @param drive the id of the block backend the disk's device takes ({@code drive=})
 * @param cdrom whether the device is a CD-ROM drive
 * @param bootIndex the device's {@code bootindex=}, or -1 when it has none
 * @param origin the option that asked for the disk, as messages name it ({@code -hda disk.img})
 */
public record BootDisk(String drive, boolean cdrom, int bootIndex, String origin) {
}
