package io.modvm.e2e;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Numbered UDP datagrams a test sends from inside its network namespace ({@link NetNamespace#startJava}): to
 * {@code args[0]} port {@code args[1]}, one every {@code args[2]} milliseconds until killed, each "SEQ1" and a
 * big-endian 32-bit number counting up, so that the guest (guests/virtio_net.c) can tell a frame it receives out of
 * order, which a receive buffer stale after a migration would be.
 */
public final class UdpSequenceSender {
    private UdpSequenceSender() {
    }

    public static void main(String[] args) throws Exception {
        InetAddress to = InetAddress.getByName(args[0]);
        int port = Integer.parseInt(args[1]);
        long gapMillis = Long.parseLong(args[2]);
        try (DatagramSocket socket = new DatagramSocket()) {
            System.out.println("udp sender started");
            System.out.flush();
            byte[] payload = new byte[64];
            for (int seq = 1;; seq++) {
                ByteBuffer.wrap(payload).put("SEQ1".getBytes(StandardCharsets.US_ASCII))
                        .putInt(seq);
                socket.send(new DatagramPacket(payload, payload.length, to, port));
                Thread.sleep(gapMillis);
            }
        }
    }
}
