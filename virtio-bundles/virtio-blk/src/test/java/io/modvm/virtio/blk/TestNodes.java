package io.modvm.virtio.blk;

import io.modvm.block.BlockNode;
import io.modvm.block.CacheMode;
import io.modvm.block.DiskImage;

/** Block backends as the machine would hand them to a device, over images a test opened. */
final class TestNodes {
    private TestNodes() {
    }

    /** A backend over {@code image}; closing it leaves the image open, for the test to close. */
    static BlockNode node(DiskImage image) {
        return new BlockNode() {
            @Override
            public DiskImage image() {
                return image;
            }

            @Override
            public CacheMode cache() {
                return CacheMode.WRITEBACK;
            }

            @Override
            public void close() {
            }
        };
    }
}
