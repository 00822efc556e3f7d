package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** virtio-rng-pci driven by the kit's virtio driver in a tiny guest (guests/virtio_rng.c). */
@Timeout(120)
class VirtioRngIT {
    private static final Pattern BYTES = Pattern.compile("^rng:((?: [0-9a-f]{2}){64})\\s*$", Pattern.MULTILINE);
    private static final Pattern INTERRUPTS = Pattern.compile("rng: msix vector 0x40 interrupts (\\d+)");

    @BeforeEach
    void deviceInstalled() throws Exception {
        DeviceTypes.assertInstalled("virtio-rng-pci");
    }

    private static ModvmProcess run() throws Exception {
        return VirtioGuests.runToExit("virtio_rng", "-device", "virtio-rng-pci");
    }

    @Test
    void twoFetchesOf64BytesAreNotConstantAndDiffer() throws Exception {
        ModvmProcess p = run();
        List<byte[]> fetches = new ArrayList<>();
        Matcher m = BYTES.matcher(p.stdout());
        while (m.find()) {
            fetches.add(HexFormat.of().parseHex(m.group(1).replace(" ", "")));
        }
        assertEquals(2, fetches.size(), p.stdout());
        for (byte[] f : fetches) {
            assertTrue(distinct(f) > 16, "64 random bytes with so few distinct values: " + HexFormat.of().formatHex(f));
        }
        assertFalse(Arrays.equals(fetches.get(0), fetches.get(1)), p.stdout());
    }

    @Test
    void eachCompletedRequestInterruptsThroughMsix() throws Exception {
        ModvmProcess p = run();
        Matcher m = INTERRUPTS.matcher(p.stdout());
        assertTrue(m.find(), p.stdout());
        assertTrue(Integer.parseInt(m.group(1)) >= 2, "two requests completed, so at least two MSI-X interrupts: "
                + m.group());
    }

    private static long distinct(byte[] bytes) {
        boolean[] seen = new boolean[256];
        long n = 0;
        for (byte b : bytes) {
            if (!seen[b & 0xFF]) {
                seen[b & 0xFF] = true;
                n++;
            }
        }
        return n;
    }
}
