package io.modvm.virtio.balloon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modvm.api.device.DeviceException;
import io.modvm.virtio.balloon.auto.AutoLimits;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BalloonConfigTest {
    private static final long MIB = 1L << 20;
    private static final long RAM = 1024 * MIB;

    @Test
    void defaultsAreQemus() throws Exception {
        assertEquals(BalloonConfig.DEFAULTS, BalloonConfig.parse(Map.of("id", "balloon0"), RAM));
        assertNull(BalloonConfig.DEFAULTS.auto());
    }

    @Test
    void qemuPropertiesAreRead() throws Exception {
        BalloonConfig o = BalloonConfig.parse(Map.of("deflate-on-oom", "on", "free-page-reporting", "yes",
                "guest-stats-polling-interval", "2"), RAM);
        assertEquals(new BalloonConfig(true, true, 2, null), o);
    }

    @Test
    void autoTakesDefaultsFromRam() throws Exception {
        BalloonConfig o = BalloonConfig.parse(Map.of("auto", "on"), RAM);
        assertEquals(new AutoLimits(256 * MIB, RAM, 512 * MIB, 5), o.auto());
    }

    @Test
    void autoBoundsAcceptSizes() throws Exception {
        BalloonConfig o = BalloonConfig.parse(Map.of("auto", "on", "auto-min", "256M", "auto-max", "1G",
                "auto-interval", "10", "auto-host-reserve", "2048m"), RAM);
        assertEquals(new AutoLimits(256 * MIB, 1024 * MIB, 2048 * MIB, 10), o.auto());
    }

    @Test
    void badValuesSayWhatIsAccepted() {
        assertError("virtio-balloon-pci: unknown property 'size'; accepted: auto, auto-host-reserve, auto-interval,"
                + " auto-max, auto-min, deflate-on-oom, free-page-reporting, guest-stats-polling-interval",
                Map.of("size", "1"));
        assertError("virtio-balloon-pci: deflate-on-oom 'maybe' is not a switch; use deflate-on-oom=on or"
                + " deflate-on-oom=off", Map.of("deflate-on-oom", "maybe"));
        assertError("virtio-balloon-pci: guest-stats-polling-interval '-1' is not a number; use e.g."
                + " guest-stats-polling-interval=0", Map.of("guest-stats-polling-interval", "-1"));
        assertError("virtio-balloon-pci: auto-min '1.5G' is not a size; use e.g. auto-min=512M or auto-min=2G",
                Map.of("auto", "on", "auto-min", "1.5G"));
        assertError("virtio-balloon-pci: auto-interval '0' is out of range; use 1..3600",
                Map.of("auto", "on", "auto-interval", "0"));
    }

    @Test
    void autoBoundsMustFitRamAndEachOther() {
        assertError("virtio-balloon-pci: auto-max 2048 MiB exceeds the guest's RAM of 1024 MiB; use at most"
                + " auto-max=1024M", Map.of("auto", "on", "auto-max", "2G"));
        assertError("virtio-balloon-pci: auto-min 768 MiB is above auto-max 512 MiB; give auto-min <= auto-max",
                Map.of("auto", "on", "auto-min", "768M", "auto-max", "512M"));
        assertError("virtio-balloon-pci: auto-min 4096 bytes leaves the guest no memory; use e.g. auto-min=256M",
                Map.of("auto", "on", "auto-min", "4K"));
    }

    @Test
    void autoPropertiesWithoutAutoAreAMistake() {
        assertError("virtio-balloon-pci: auto-min applies only to the automatic policy; add auto=on or drop auto-min",
                Map.of("auto-min", "256M"));
        assertError("virtio-balloon-pci: auto-max applies only to the automatic policy; add auto=on or drop auto-max",
                Map.of("auto", "off", "auto-max", "1G"));
    }

    private static void assertError(String message, Map<String, String> properties) {
        DeviceException e = assertThrows(DeviceException.class, () -> BalloonConfig.parse(properties, RAM));
        assertEquals(message, e.getMessage());
    }
}
