package io.modvm.e2e;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;

/**
 * A UDP receiver a test runs inside its network namespace ({@link NetNamespace#startJava}), since busybox's nc has
 * no UDP: prints each datagram it gets on port {@code args[0]} as one line, until killed.
 */
public final class UdpSink {
    private UdpSink() {
    }

    public static void main(String[] args) throws Exception {
        try (DatagramSocket socket = new DatagramSocket(Integer.parseInt(args[0]))) {
            System.out.println("udp sink listening");
            System.out.flush();
            byte[] buffer = new byte[65536];
            while (true) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                System.out.println(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8));
                System.out.flush();
            }
        }
    }
}
