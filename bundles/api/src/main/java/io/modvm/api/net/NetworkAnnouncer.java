package io.modvm.api.net;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Tells the network where the machine's NICs are, as QEMU does after a live migration and on {@code announce-self}:
 * in each round every NIC chosen sends a {@link SelfAnnouncement} through its backend and, where the guest's driver
 * can, asks the guest to announce its own addresses ({@link Nic#announce()}). Registered by the core while a machine
 * runs; a migration's destination calls it once the guest is loaded.
 *
 * @since 1.2
 */
@ProviderType
public interface NetworkAnnouncer {
    /** Starts a series of announcements; returns at once, the rounds follow on a thread of the announcer's. */
    void announce(AnnounceRounds rounds);
}
