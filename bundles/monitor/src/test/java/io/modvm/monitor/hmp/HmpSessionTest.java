package io.modvm.monitor.hmp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HmpSessionTest {
    @Test
    void bannerThenAPromptBeforeEachLine() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HmpConsole console = line -> line.isEmpty() ? "" : "ran " + line + "\r\n";
        new HmpSession(console).serve(new ByteArrayInputStream("one\n\ntwo\r\n".getBytes(StandardCharsets.UTF_8)),
                out);
        assertEquals("QEMU 7.2.0 monitor - type 'help' for more information\r\n(qemu) ran one\r\n(qemu) (qemu) "
                + "ran two\r\n(qemu) ", out.toString(StandardCharsets.UTF_8));
    }
}
