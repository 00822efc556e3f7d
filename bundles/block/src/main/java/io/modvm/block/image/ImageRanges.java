package io.modvm.block.image;

import java.io.IOException;
import java.nio.file.Path;

/** The range and permission checks every image applies before touching its file. */
final class ImageRanges {
    private ImageRanges() {
    }

    /** Refuses a range that is negative, overflows or ends past {@code size}. */
    static void check(long offset, long length, long size) throws IOException {
        if (offset < 0 || length < 0 || offset > size || length > size - offset) {
            throw new IOException(length + " bytes at " + offset + " outside an image of " + size + " bytes");
        }
    }

    static void checkWritable(boolean readOnly, Path path) throws IOException {
        if (readOnly) {
            throw new IOException(path + " is open read-only");
        }
    }
}
