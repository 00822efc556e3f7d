package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** virtconsole driven by a tiny guest (guests/virtio_console.c) through its transmitq and receiveq. */
@Timeout(120)
class VirtioConsoleIT {
    private static final String LINE = "hello through the virtio console transmitq\n";

    @TempDir
    Path dir;

    @BeforeEach
    void deviceInstalled() throws Exception {
        DeviceTypes.assertInstalled("virtconsole");
    }

    @Test
    void aLineOnTheTransmitqReachesTheFileBackend() throws Exception {
        Path file = dir.resolve("console.out");
        ModvmProcess p = VirtioGuests.runToExit("virtio_console", "-device", "virtconsole,chardev=file:" + file);
        assertTrue(p.stdout().contains("console: line sent"), p.stdout());
        assertEquals(LINE, Files.readString(file, StandardCharsets.UTF_8));
    }

    /** QEMU's form: the backend configured on its own, the device naming it by id. */
    @Test
    void aLineReachesAChardevTheDeviceNamesById() throws Exception {
        Path file = dir.resolve("named.out");
        ModvmProcess p = VirtioGuests.runToExit("virtio_console", "-chardev", "file,id=c0,path=" + file,
                "-device", "virtconsole,chardev=c0");
        assertTrue(p.stdout().contains("console: line sent"), p.stdout());
        assertEquals(LINE, Files.readString(file, StandardCharsets.UTF_8));
    }

    @Test
    void bytesFromTheSocketComeBackThroughTheTransmitq() throws Exception {
        Path socket = dir.resolve("console.sock");
        String payload = "echo-me-0123456789-abcdefghijklmnopqrstuvwxyz-".repeat(3);
        try (ModvmProcess p = ModvmProcess.start("-kernel", Guests.build("virtio_console").toString(), "-append",
                "echo=" + payload.length(), "-device", VirtioGuests.DEBUG_EXIT, "-device",
                // A doubled comma is a literal comma in QEMU's option syntax, so server and nowait stay in the
                // chardev value instead of becoming properties of the device.
                "virtconsole,chardev=unix:" + socket + ",,server,,nowait")) {
            p.awaitOutput("console: waiting for", VirtioGuests.RUN);
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(socket));
                ch.write(ByteBuffer.wrap(payload.getBytes(StandardCharsets.US_ASCII)));
                String received = readUntil(ch, payload);
                assertTrue(received.endsWith(payload), "from the socket: " + received + "\nguest:\n" + p.stdout());
            }
            assertEquals(Guests.status(0), p.waitFor(VirtioGuests.RUN), p.stdout() + p.stderr());
            assertTrue(p.stdout().contains("console: echoed " + payload.length() + " bytes"), p.stdout());
        }
    }

    /** Reads until {@code expected} has arrived (the class timeout bounds a device that never sends it). */
    private static String readUntil(SocketChannel ch, String expected) throws Exception {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (!got.toString(StandardCharsets.US_ASCII).endsWith(expected)) {
            buf.clear();
            int n = ch.read(buf);
            if (n < 0) {
                break;
            }
            got.write(buf.array(), 0, n);
        }
        return got.toString(StandardCharsets.US_ASCII);
    }
}
