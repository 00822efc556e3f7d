package io.modvm.core.cli;

import java.util.List;

/**
 * QEMU's {@code -boot order=,once=,strict=,splash-time=,reboot-timeout=}, and the command line's disks in the order
 * the first boot tries them: the devices with a {@code bootindex} first, lowest first; then by the letters of
 * {@code once} (or {@code order} without it): {@code c} the hard disks, {@code d} the CD-ROMs, IDE ones in index
 * order and then the others in command-line order; then, unless {@code strict}, every disk not tried yet.
 *
 * @param order QEMU pc's boot letters: {@code a} and {@code b} floppies, {@code c} hard disk, {@code d} CD-ROM,
 *     {@code n} network; {@value #DEFAULT_ORDER} when not given
 * @param once the letters of the first boot only, or null
 * @param strict whether a boot tries only what the boot order names
 * @param splashTimeMillis how long firmware shows its splash screen, or -1 when not given
 * @param rebootTimeoutMillis how long firmware waits before it restarts after a failed boot, or -1 (QEMU's default:
 *     no restart)
 * @param disks the disks in the order the first boot tries them
 */
public record BootOrder(String order, String once, boolean strict, int splashTimeMillis, int rebootTimeoutMillis,
        List<BootDisk> disks) {
    /** QEMU pc's order when {@code -boot} gives none: floppy, hard disk, CD-ROM. */
    public static final String DEFAULT_ORDER = "cad";

    public BootOrder {
        disks = List.copyOf(disks);
    }

    /** The letters the first boot follows: {@code once} if given, else {@code order}. */
    public String firstBoot() {
        return once != null ? once : order;
    }
}
