package io.modvm.virtio.balloon.auto;

import java.io.IOException;

/** The host's memory as the automatic policy sees it; a seam so that tests can play any host. */
public interface HostMemory {
    /** The host's MemAvailable in bytes: what it can still hand out without swapping. */
    long availableBytes() throws IOException;
}
