package io.modvm.monitor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EndpointSpecTest {
    @Test
    void qemusSpellingsOfAListeningSocket() {
        for (String spec : new String[] {"unix:/tmp/q.sock,server,nowait", "unix:/tmp/q.sock,server=on,wait=off",
            "unix:/tmp/q.sock,nowait,server", "unix:/tmp/q.sock,server=yes,wait=no"}) {
            EndpointSpec e = EndpointSpec.parse(spec);
            assertEquals(EndpointSpec.Kind.UNIX, e.kind(), spec);
            assertEquals(Path.of("/tmp/q.sock"), e.path(), spec);
            assertFalse(e.waitRequested(), spec);
        }
        assertTrue(EndpointSpec.parse("unix:/tmp/q.sock,server").waitRequested());
        assertTrue(EndpointSpec.parse("unix:/tmp/q.sock,server=on,wait=on").waitRequested());
    }

    @Test
    void doubledCommaIsACommaInThePath() {
        assertEquals(Path.of("/tmp/a,b.sock"), EndpointSpec.parse("unix:/tmp/a,,b.sock,server,nowait").path());
    }

    @Test
    void stdioAndNone() {
        assertEquals(EndpointSpec.Kind.STDIO, EndpointSpec.parse("stdio").kind());
        assertEquals(EndpointSpec.Kind.NONE, EndpointSpec.parse("none").kind());
    }

    @Test
    void whatModvmCannotServeIsRefusedWithAReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EndpointSpec.parse("unix:/tmp/q.sock"))
                .getMessage().contains("server=on"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> EndpointSpec.parse("unix:/tmp/q.sock,server=off")).getMessage().contains("server=on"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EndpointSpec.parse("tcp:localhost:4444"))
                .getMessage().contains("unsupported"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> EndpointSpec.parse("unix:/tmp/q.sock,server,bogus")).getMessage().contains("bogus"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> EndpointSpec.parse("unix:/tmp/q.sock,server=maybe")).getMessage().contains("on or off"));
        assertThrows(IllegalArgumentException.class, () -> EndpointSpec.parse("unix:,server"));
    }
}
