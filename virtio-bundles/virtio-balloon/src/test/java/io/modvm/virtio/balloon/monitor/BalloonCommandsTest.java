package io.modvm.virtio.balloon.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modvm.api.monitor.MonitorException;
import io.modvm.virtio.balloon.BalloonRegistry;
import io.modvm.virtio.balloon.FakeBalloon;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** {@code balloon} and {@code query-balloon} as QEMU 7.2 answers them, over QMP and HMP. */
class BalloonCommandsTest {
    private static final long MIB = 1L << 20;

    private final BalloonRegistry registry = new BalloonRegistry();
    private final BalloonCommand balloon = new BalloonCommand(registry);
    private final QueryBalloonCommand query = new QueryBalloonCommand(registry);
    private final FakeBalloon device = new FakeBalloon(1024 * MIB);

    @Test
    void namesAreQemus() {
        assertEquals("balloon", balloon.name());
        assertEquals("balloon", balloon.hmpName());
        assertEquals("query-balloon", query.name());
        assertEquals("info balloon", query.hmpName());
    }

    @Test
    void balloonSetsTheTargetInBytes() throws Exception {
        registry.add(device);
        assertEquals(Map.of(), balloon.execute(Map.of("value", 512 * MIB)));
        assertEquals(512 * MIB, device.targetMemory());
    }

    @Test
    void hmpBalloonTakesMib() throws Exception {
        registry.add(device);
        Map<String, Object> args = balloon.parseHmp(" 256 ");
        assertEquals(Map.of("value", 256 * MIB), args);
        balloon.execute(args);
        assertEquals(256 * MIB, device.targetMemory());
        assertEquals("", balloon.formatHmp(Map.of()));
    }

    @Test
    void aTargetAboveRamIsAllOfRam() throws Exception {
        registry.add(device);
        balloon.execute(Map.of("value", 4096 * MIB));
        assertEquals(1024 * MIB, device.targetMemory());
    }

    @Test
    void balloonErrorsAreQemus() throws Exception {
        assertError("DeviceNotActive", "No balloon device has been activated",
                () -> balloon.execute(Map.of("value", 512 * MIB)));
        registry.add(device);
        assertError("GenericError", "Parameter 'target' expects a size", () -> balloon.execute(Map.of("value", 0L)));
        assertError("GenericError", "Parameter 'target' expects a size", () -> balloon.execute(Map.of("value", -5L)));
        assertError("GenericError", "Parameter 'value' is missing", () -> balloon.execute(Map.of()));
        assertError("GenericError", "Invalid parameter type for 'value', expected: integer",
                () -> balloon.execute(Map.of("value", "512")));
        assertError("GenericError", "Invalid parameter type for 'value', expected: integer",
                () -> balloon.execute(Map.of("value", 1.5)));
        assertEquals(0, device.targetsSet(), "no rejected request reached the device");
    }

    @Test
    void theSizeCheckComesBeforeTheDeviceCheckAsInQemu() {
        assertError("GenericError", "Parameter 'target' expects a size", () -> balloon.execute(Map.of("value", 0L)));
    }

    @Test
    void hmpBalloonErrors() {
        assertError("GenericError", "Parameter 'value' is missing", () -> balloon.parseHmp("  "));
        assertError("GenericError", "enter a positive value", () -> balloon.parseHmp("-1"));
        assertError("GenericError", "balloon: 'lots' is not a whole number of MiB", () -> balloon.parseHmp("lots"));
        assertError("GenericError", "balloon: 9223372036854775807 MiB is too large",
                () -> balloon.parseHmp("9223372036854775807"));
    }

    @Test
    void queryBalloonReportsActualInBytesAndHmpInMib() throws Exception {
        registry.add(device);
        device.setActual(768 * MIB + 4096);
        Object result = query.execute(Map.of());
        Map<String, Object> expected = new HashMap<>();
        expected.put("actual", 768 * MIB + 4096);
        assertEquals(expected, result);
        assertEquals("balloon: actual=768\n", query.formatHmp(result));
    }

    @Test
    void queryBalloonOfAFullGuestShowsItsRam() throws Exception {
        registry.add(device);
        assertEquals("balloon: actual=1024\n", query.formatHmp(query.execute(Map.of())));
    }

    @Test
    void queryBalloonWithoutADevice() {
        assertError("DeviceNotActive", "No balloon device has been activated", () -> query.execute(Map.of()));
    }

    @Test
    void anUnpluggedBalloonIsGoneForTheCommands() throws Exception {
        registry.add(device);
        registry.remove(device);
        assertError("DeviceNotActive", "No balloon device has been activated", () -> query.execute(Map.of()));
    }

    private static void assertError(String errorClass, String description, Executable call) {
        MonitorException e = assertThrows(MonitorException.class, call);
        assertEquals(errorClass, e.errorClass());
        assertEquals(description, e.getMessage());
    }
}
