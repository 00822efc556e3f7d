package io.modvm.block;

import io.modvm.api.backend.Backend;
import org.osgi.annotation.versioning.ProviderType;

/**
 * An open block backend, as a device takes it ({@code DeviceContext.backend(BackendKinds.BLOCK, id,
 * BlockNode.class)}): the image the device reads and writes, and how it was opened. The node stays open when the
 * device goes (unless it was a {@code -drive}, which goes with its device, as in QEMU), so that a device that takes
 * over in a hot-swap finds the same open image.
 */
@ProviderType
public interface BlockNode extends Backend {
    /** The image; closed with the node, never by the device. */
    DiskImage image();

    /** The cache mode the image was opened with. */
    CacheMode cache();

    /**
     * Starts logging the chunks of {@code granularity} bytes (a power of two, at least 512) that writes through
     * {@link #image()} touch, for a copy of the disk made while the guest runs.
     *
     * @throws IllegalStateException if a log is already running on this node
     * @throws UnsupportedOperationException if this node cannot log its writes
     * @since 1.2
     */
    default WriteLog trackWrites(long granularity) {
        throw new UnsupportedOperationException("this block node cannot log its writes");
    }
}
