package io.modvm.api.boot;

import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A service that reads a disk's own boot configuration (its partitions, file systems and boot loader files) and
 * returns the entries the guest's boot loader would offer. The machine asks every registered source about each
 * disk it may boot from, in boot order, when no {@code -kernel} is given; the first menu found is booted.
 *
 * <p>A source reads the disk only through {@link BootDisk}, checks every length, offset and count it reads from the
 * image against the disk's size, and ends on any image: a damaged or hostile one gives a
 * {@link BootSourceException} with one line, never another exception, an unbounded allocation or an endless loop.
 */
@ConsumerType
public interface BootSource {
    /** What the source reads, for messages and listings: {@code grub.cfg, extlinux, BLS on ext2/3/4 and FAT}. */
    String description();

    /**
     * The boot menu on {@code disk}, or empty if the disk holds nothing this source reads (no partition table or
     * file system it knows, no configuration file).
     *
     * @throws BootSourceException if the disk holds what this source reads, but damaged
     */
    Optional<BootMenu> read(BootDisk disk) throws BootSourceException;
}
