package io.modvm.api.pci;

/**
 * A capability in configuration space. {@code body} is everything after the ID and next-pointer bytes (for a
 * vendor-specific capability, starting with its length byte). The guest reads it as given; writes to it are
 * passed to {@link PciFunctionSpec#configWriter()}.
 *
 * @param id capability ID, 0 to 0xff
 * @param body the bytes after ID and next pointer; at most 62
 */
public record PciCapability(int id, byte[] body) {
    /** Capability ID of a vendor-specific capability (virtio uses these). */
    public static final int VENDOR_SPECIFIC = 0x09;

    /**
     * Copies {@code body}.
     *
     * @throws IllegalArgumentException if the ID or the length is out of range
     */
    public PciCapability {
        if (id < 0 || id > 0xff) {
            throw new IllegalArgumentException("capability ID " + id);
        }
        body = body.clone();
        if (body.length + 2 > 64) {
            throw new IllegalArgumentException("capability longer than 64 bytes");
        }
    }

    /** A copy of the capability's bytes after ID and next pointer. */
    @Override
    public byte[] body() {
        return body.clone();
    }
}
