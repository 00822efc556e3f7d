package io.modvm.virtio.balloon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.virtio.balloon.auto.ProcMeminfo;
import io.modvm.virtio.testing.StubDeviceContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BalloonFactoryTest {
    private static final long RAM = 512L << 20;

    @TempDir
    Path dir;

    private final BalloonRegistry registry = new BalloonRegistry();
    private BalloonDevice plugged;

    /** What the transport's plug returns: closing it closes the virtio device, as the transport does. */
    private Device plug(DeviceContext context, BalloonDevice balloon) {
        plugged = balloon;
        return new Device() {
            @Override
            public String id() {
                return balloon.id();
            }

            @Override
            public void reset() {
                balloon.reset();
            }

            @Override
            public void close() {
                balloon.reset();
                balloon.close();
            }
        };
    }

    /** A machine with RAM and nothing else: the factory asks only for the id and the RAM size. */
    private static StubDeviceContext context(String id) {
        return new StubDeviceContext(id).withRamSize(RAM);
    }

    private BalloonFactory factory(Path meminfo) {
        return new BalloonFactory(registry, (b, bytes) -> { }, new ProcMeminfo(meminfo), this::plug);
    }

    @Test
    void typeIsQemusName() {
        assertEquals("virtio-balloon-pci", factory(dir.resolve("none")).type());
    }

    @Test
    void aPluggedBalloonIsInTheRegistryUntilUnplugged() throws Exception {
        Device device = factory(dir.resolve("none")).create(context("balloon0"), Map.of());
        assertSame(plugged, registry.balloon().orElseThrow());
        assertEquals(RAM, plugged.ramSize());
        device.close();
        assertTrue(registry.balloon().isEmpty());
    }

    @Test
    void aSecondBalloonIsRefused() throws Exception {
        BalloonFactory factory = factory(dir.resolve("none"));
        factory.create(context("balloon0"), Map.of());
        DeviceException e = assertThrows(DeviceException.class,
                () -> factory.create(context("balloon1"), Map.of()));
        assertEquals("virtio-balloon-pci: only one balloon device is supported, and 'balloon0' is plugged; remove it"
                + " first", e.getMessage());
    }

    @Test
    void aFailedPlugLeavesNoBalloonBehind() {
        BalloonFactory factory = new BalloonFactory(registry, (b, bytes) -> { }, new ProcMeminfo(dir),
                (context, balloon) -> {
                    throw new DeviceException("no PCI slot left");
                });
        assertThrows(DeviceException.class, () -> factory.create(context("balloon0"), Map.of()));
        assertTrue(registry.balloon().isEmpty());
    }

    @Test
    void autoNeedsAReadableMeminfo() throws Exception {
        Path missing = dir.resolve("meminfo");
        DeviceException e = assertThrows(DeviceException.class,
                () -> factory(missing).create(context("balloon0"), Map.of("auto", "on")));
        assertTrue(e.getMessage().startsWith("virtio-balloon-pci: auto=on needs the host's MemAvailable from "
                + missing + ", which cannot be read ("), e.getMessage());
        assertTrue(e.getMessage().endsWith("); use auto=off"), e.getMessage());
        assertTrue(registry.balloon().isEmpty());

        Files.writeString(missing, "MemTotal: 100 kB\nMemAvailable: 50 kB\n");
        factory(missing).create(context("balloon0"), Map.of("auto", "on"));
        assertTrue(registry.balloon().isPresent());
    }

    @Test
    void badPropertiesFailBeforeAnythingIsPlugged() {
        assertThrows(DeviceException.class,
                () -> factory(dir).create(context("balloon0"), Map.of("deflate-on-oom", "2")));
        assertTrue(registry.balloon().isEmpty());
    }
}
