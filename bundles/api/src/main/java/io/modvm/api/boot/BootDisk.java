package io.modvm.api.boot;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One disk as a boot source sees it: {@link #size()} bytes that can only be read. The machine gives this view of a
 * disk it opened (through its block backend, so an image format with a backing file reads as the guest would see
 * it); nothing a boot source does can change the image.
 */
@ProviderType
public interface BootDisk {
    /** How the user knows the disk, for messages: the image file as the command line named it. */
    String name();

    /** The disk's size in bytes. */
    long size();

    /**
     * Fills {@code destination} from its position to its limit with the disk's bytes at {@code offset}.
     *
     * @throws IOException if the range is outside the disk or the image cannot be read
     */
    void read(ByteBuffer destination, long offset) throws IOException;
}
