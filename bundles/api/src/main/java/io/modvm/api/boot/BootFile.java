package io.modvm.api.boot;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ConsumerType;

/** A file a boot entry names (a kernel, an initrd), read only when the entry is booted. */
@ConsumerType
public interface BootFile {
    /** The file's path as the configuration names it, for messages: {@code /boot/vmlinuz-6.1.0}. */
    String path();

    /**
     * The whole file.
     *
     * @param maxBytes the largest file the caller takes; a larger one is refused before it is read
     * @throws BootSourceException if the file is missing, larger than {@code maxBytes}, or cannot be read
     */
    ByteBuffer read(long maxBytes) throws BootSourceException;
}
