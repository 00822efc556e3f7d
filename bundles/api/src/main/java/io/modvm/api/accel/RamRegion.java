package io.modvm.api.accel;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ProviderType;

/** Host memory backing guest RAM. */
@ProviderType
public interface RamRegion extends AutoCloseable {
    /** Size in bytes. */
    long size();

    /**
     * A little-endian view of {@code length} bytes at {@code offset}. Views share the memory; callers cache them
     * rather than asking per access.
     */
    ByteBuffer view(long offset, int length);

    /** Gives the pages of the range back to the host; they read as zero afterwards. */
    void discard(long offset, long length);

    @Override
    void close();
}
