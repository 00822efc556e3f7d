package io.modvm.devices.emulated.e1000;

/**
 * The transmit offloads, done in software on a packet the device copied out of guest RAM (SDM 3.5 and 3.6): the IP
 * and TCP/UDP checksums a context asks for, the legacy descriptor's single checksum, TCP segmentation (a header and
 * up to 256 KiB of payload become frames of the MSS, each with its own IP length and id, TCP sequence number and
 * flags, and checksums), and the 802.1Q tag. The frames go out plain, so any backend takes them; a guest's offsets
 * are checked against the packet first, and a packet they do not fit is refused, never read or written outside.
 */
final class TxOffload {
    /** Where a finished frame goes. */
    @FunctionalInterface
    interface Sink {
        void send(byte[] frame, int length);
    }

    /** The longest frame segmentation makes, header included: the longest the device sends at all. */
    static final int MAX_SEGMENT = 16384;
    static final int TCP_FIN = 0x01;
    static final int TCP_PSH = 0x08;
    private static final int VLAN_TAG = 4;
    private static final int MAC_ADDRESSES = 12;

    private TxOffload() {
    }

    /**
     * Why {@code context} cannot serve a packet of {@code length} bytes with {@code options} (IXSM, TXSM), or null.
     * Segmentation needs its header inside the packet and the fields it rewrites inside the header.
     */
    static String problem(TxContext c, int length, int options, boolean segment) {
        // Segmentation rewrites fields in the header and sums each frame; a range ending before the packet's end
        // must then lie in the header, which every frame repeats.
        int limit = segment ? c.headerLength() : length;
        if (segment) {
            if (c.headerLength() == 0 || c.headerLength() > length) {
                return "segmentation header of " + c.headerLength() + " bytes in a packet of " + length;
            }
            if (c.mss() == 0 || c.headerLength() + c.mss() > MAX_SEGMENT) {
                return "segmentation with an MSS of " + c.mss() + " after a header of " + c.headerLength()
                        + " bytes; frames hold 1 to " + MAX_SEGMENT + " bytes";
            }
            if (c.ipcss() + 6 > limit || c.tucss() + (c.tcp() ? 14 : 6) > limit) {
                return "segmentation header of " + c.headerLength() + " bytes cannot hold the IP header at "
                        + c.ipcss() + " and the " + (c.tcp() ? "TCP" : "UDP") + " header at " + c.tucss();
            }
        }
        if ((options & TxDescriptor.POPTS_IXSM) != 0 && !fits(c.ipcss(), c.ipcse(), c.ipcso(), limit)) {
            return "IP checksum from " + c.ipcss() + " to " + c.ipcse() + " at " + c.ipcso() + " in " + length
                    + " bytes";
        }
        if ((options & TxDescriptor.POPTS_TXSM) != 0 && !fits(c.tucss(), c.tucse(), c.tucso(), limit)) {
            return "TCP/UDP checksum from " + c.tucss() + " to " + c.tucse() + " at " + c.tucso() + " in " + length
                    + " bytes";
        }
        return null;
    }

    /**
     * A checksum from {@code start} to {@code end} (inclusive; 0 is the frame's end) stored at {@code at}: the field
     * and a range that does not run to the end must lie within {@code limit}.
     */
    private static boolean fits(int start, int end, int at, int limit) {
        boolean toTheEnd = end == 0;
        return at + 2 <= limit && start < limit && (toTheEnd || start <= end && end < limit);
    }

    /** The checksums {@code options} ask for, inserted into a frame of {@code length} bytes. */
    static void checksums(byte[] frame, int length, TxContext c, int options) {
        if ((options & TxDescriptor.POPTS_IXSM) != 0) {
            InternetChecksum.insert(frame, c.ipcss(), c.ipcse() == 0 ? length : c.ipcse() + 1, c.ipcso());
        }
        if ((options & TxDescriptor.POPTS_TXSM) != 0) {
            InternetChecksum.insert(frame, c.tucss(), c.tucse() == 0 ? length : c.tucse() + 1, c.tucso());
        }
    }

    /** A legacy descriptor's checksum: from {@code start} to the end, stored at {@code at}; false if it does not fit. */
    static boolean legacyChecksum(byte[] frame, int length, int start, int at) {
        if (start >= length || at + 2 > length) {
            return false;
        }
        InternetChecksum.insert(frame, start, length, at);
        return true;
    }

    /**
     * Cuts {@code packet} (a header of {@code c.headerLength()} bytes and its payload, {@code length} bytes in all)
     * into frames of at most {@code c.mss()} payload bytes each, in {@code frame}, which must hold
     * {@link #MAX_SEGMENT} bytes and a VLAN tag; {@link #problem} has checked the context. Returns how many frames
     * went to {@code sink}.
     *
     * @param tag the 802.1Q tag to insert (ether type in the high half of its low 32 bits), or -1 for none
     */
    static int segment(byte[] packet, int length, TxContext c, int options, long tag, byte[] frame, Sink sink) {
        int header = c.headerLength();
        int payload = length - header;
        int ip = c.ipcss();
        int l4 = c.tucss();
        long sequence = c.tcp() ? getInt(packet, l4 + 4) & 0xFFFF_FFFFL : 0;
        int ipId = c.ipv4() ? getShort(packet, ip + 4) : 0;
        int frames = 0;
        int offset = 0;
        do {
            int n = Math.min(c.mss(), payload - offset);
            int size = header + n;
            System.arraycopy(packet, 0, frame, 0, header);
            System.arraycopy(packet, header + offset, frame, header, n);
            if (c.ipv4()) {
                putShort(frame, ip + 2, size - ip);
                putShort(frame, ip + 4, ipId + frames);
            } else {
                putShort(frame, ip + 4, size - ip - 40);
            }
            if (c.tcp()) {
                putInt(frame, l4 + 4, (int) (sequence + offset));
                if (offset + n < payload) {
                    frame[l4 + 13] &= (byte) ~(TCP_FIN | TCP_PSH);
                }
            } else {
                putShort(frame, l4 + 4, size - l4);
            }
            if ((options & TxDescriptor.POPTS_TXSM) != 0) {
                // The driver left the pseudo-header sum without the length, which differs per segment.
                putShort(frame, c.tucso(), InternetChecksum.fold((long) getShort(frame, c.tucso()) + size - l4));
            }
            checksums(frame, size, c, options);
            sink.send(frame, tag < 0 ? size : insertTag(frame, size, (int) tag));
            frames++;
            offset += n;
        } while (offset < payload);
        return frames;
    }

    /**
     * Inserts an 802.1Q tag after the MAC addresses of a frame of {@code length} bytes in {@code frame}, which has
     * room for 4 more; returns the new length.
     */
    static int insertTag(byte[] frame, int length, int tag) {
        System.arraycopy(frame, MAC_ADDRESSES, frame, MAC_ADDRESSES + VLAN_TAG, length - MAC_ADDRESSES);
        putInt(frame, MAC_ADDRESSES, tag);
        return length + VLAN_TAG;
    }

    static int getShort(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | b[at + 1] & 0xFF;
    }

    static int getInt(byte[] b, int at) {
        return getShort(b, at) << 16 | getShort(b, at + 2);
    }

    static void putShort(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    static void putInt(byte[] b, int at, int v) {
        putShort(b, at, v >>> 16);
        putShort(b, at + 2, v);
    }
}
