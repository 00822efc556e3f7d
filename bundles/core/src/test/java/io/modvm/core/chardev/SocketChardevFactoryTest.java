package io.modvm.core.chardev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.backend.Backend;
import io.modvm.api.backend.BackendContext;
import io.modvm.api.backend.UnixSocketAddress;
import io.modvm.api.device.CharBackend;
import io.modvm.api.device.DeviceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code -chardev socket} without {@code server=on}: an address for vhost-user, which connects itself. */
class SocketChardevFactoryTest {
    @TempDir
    Path dir;

    private static final BackendContext CONTEXT = new BackendContext() {
        @Override
        public String backendId() {
            return "c0";
        }

        @Override
        public <B> B backend(String kind, String id, Class<B> type) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void requestQuit() {
        }
    };

    @Test
    void withoutServerItIsAnAddressThatConnectsToNothing() throws Exception {
        Path socket = dir.resolve("vu.sock");
        Backend b = new SocketChardevFactory().open(CONTEXT, Map.of("path", socket.toString(), "reconnect", "3"));
        UnixSocketAddress address = (UnixSocketAddress) b;
        assertEquals(socket, address.path());
        assertEquals(3, address.reconnectSeconds());
        assertEquals("unix:" + socket, b.describe());
        assertFalse(b instanceof CharBackend, "no byte stream: a console cannot take it");
        assertFalse(Files.exists(socket), "it neither listens nor connects");
        b.close();
    }

    @Test
    void reconnectIsANumberOfSeconds() {
        DeviceException e = assertThrows(DeviceException.class, () -> new SocketChardevFactory().open(CONTEXT,
                Map.of("path", "/tmp/x.sock", "reconnect", "soon")));
        assertEquals("chardev socket: reconnect 'soon' is not a number from 0 to 3600", e.getMessage());
        assertTrue(new SocketChardevFactory().description().contains("vhost-user"));
    }
}
