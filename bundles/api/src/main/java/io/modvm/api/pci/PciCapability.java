package io.modvm.api.pci;

/**
 * A capability in configuration space. {@code body} is everything after the ID and next-pointer bytes (for a
 * vendor-specific capability, starting with its length byte). The guest reads it as given; writes to it are
 * passed to {@link PciFunctionSpec#configWriter()}.
 */
public record PciCapability(int id, byte[] body) {
    public static final int VENDOR_SPECIFIC = 0x09;

    public PciCapability {
        if (id < 0 || id > 0xff) {
            throw new IllegalArgumentException("capability ID " + id);
        }
        body = body.clone();
        if (body.length + 2 > 64) {
            throw new IllegalArgumentException("capability longer than 64 bytes");
        }
    }

    @Override
    public byte[] body() {
        return body.clone();
    }
}
