package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Broken virtqueues in front of virtio-blk (guests/virtio_malformed.c, one case per run). Each case must fail the
 * request (IOERR, or the chain returned with used length 0) or set DEVICE_NEEDS_RESET; afterwards a reset
 * device serves a good request, the second virtio device (virtio-rng) and the serial console still work, and
 * modvm runs until the guest's debug-exit.
 */
@Timeout(120)
class VirtioMalformedRingsIT {
    private static final Set<String> REQUEST_FAILED = Set.of("IOERR", "used-len-0", "NEEDS_RESET");

    @TempDir
    Path dir;

    @BeforeEach
    void devicesInstalled() throws Exception {
        DeviceTypes.assertInstalled("virtio-blk-pci", "virtio-rng-pci");
    }

    /** Runs one case; returns the outcome the guest printed, after checking that everything recovered. */
    private String run(String name) throws Exception {
        Path image = Files.write(dir.resolve("disk.raw"), new byte[4 << 20]);
        ModvmProcess p = VirtioGuests.runToExit("virtio_malformed", "-append", "case=" + name, "-drive",
                "file=" + image + ",if=virtio,format=raw", "-device", "virtio-rng-pci");
        String out = p.stdout();
        Matcher m = Pattern.compile("malformed " + Pattern.quote(name) + ": outcome (\\S+)").matcher(out);
        assertTrue(m.find(), out);
        assertTrue(out.contains("malformed " + name + ": recovered, good request ok"), out);
        assertTrue(out.contains("malformed " + name + ": rng ok"), out);
        assertTrue(out.contains("malformed: done"), "the serial console stopped:\n" + out);
        // A guest's mistake is logged as a warning; a stack trace would mean it escaped into modvm's threads.
        assertFalse(p.stderr().contains("Exception"), p.stderr());
        return m.group(1) + " in:\n" + out;
    }

    /**
     * loop: a next pointer back to the head; outside-ram: a data buffer at 1 TiB; zero-length: one descriptor of
     * length 0; long-chain: an indirect table with one entry more than the queue size; avail-jump: the avail
     * index moved by the queue size + 1.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"loop", "outside-ram", "zero-length", "long-chain", "avail-jump"})
    void aBrokenRequestFails(String name) throws Exception {
        String outcome = run(name);
        String first = outcome.substring(0, outcome.indexOf(' '));
        assertTrue(REQUEST_FAILED.contains(first), "expected one of " + REQUEST_FAILED + ", got " + outcome);
    }

    @Test
    void ringsOutsideGuestRamAreRefusedOrNeedReset() throws Exception {
        String outcome = run("ring-outside-ram");
        String first = outcome.substring(0, outcome.indexOf(' '));
        assertTrue(Set.of("NEEDS_RESET", "queue-refused").contains(first),
                "expected the queue refused at queue_enable or DEVICE_NEEDS_RESET, got " + outcome);
    }
}
