package io.modvm.virtio.rng;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Where the device's random bytes come from; tests substitute their own. */
interface EntropySource extends AutoCloseable {
    /** Fills {@code buffer} from its position to its limit. */
    void fill(ByteBuffer buffer) throws IOException;

    @Override
    void close();
}
