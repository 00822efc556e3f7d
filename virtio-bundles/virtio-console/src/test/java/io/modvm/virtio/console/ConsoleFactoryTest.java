package io.modvm.virtio.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modvm.api.device.DeviceException;
import io.modvm.api.device.StatefulDevice;
import io.modvm.api.state.StateCodec;
import io.modvm.api.state.StateRecord;
import io.modvm.virtio.testing.StubDeviceContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The -device properties of both console types, and what each type builds without a transport. */
class ConsoleFactoryTest {
    @Test
    void typesAreQemusNames() {
        assertEquals("virtconsole", new ConsoleFactory().type());
        assertEquals("virtio-serial-pci", new ConsoleSerialPciFactory().type());
    }

    @Test
    void virtconsoleDefaultsToStdio() throws DeviceException {
        ConsoleConfig config = ConsoleConfig.parse("virtconsole", Map.of("id", "c0", "bus", "vs0.0"), "stdio");
        assertEquals(new ConsoleConfig("stdio", 0, 0), config);
    }

    @Test
    void chardevAndSizeAreTaken() throws DeviceException {
        ConsoleConfig config = ConsoleConfig.parse("virtconsole",
                Map.of("chardev", "unix:/tmp/c.sock,server,nowait", "cols", "80", "rows", "25"), "stdio");
        assertEquals(new ConsoleConfig("unix:/tmp/c.sock,server,nowait", 80, 25), config);
    }

    @Test
    void virtioSerialPciHasNoDefaultBackend() throws DeviceException {
        assertNull(ConsoleConfig.parse("virtio-serial-pci", Map.of(), null).chardev());
    }

    @Test
    void virtioSerialPciWithoutChardevPlugsNothing() throws DeviceException {
        StubDeviceContext context = new StubDeviceContext("dev0");
        assertInstanceOf(EmptySerialBus.class, new ConsoleSerialPciFactory().create(context, Map.of()));
        assertEquals(List.of(), context.backendsAskedFor());
    }

    @Test
    void anEmptyVirtioSerialPciHasAnEmptyStateAndIsRestoredFromIt() throws Exception {
        ConsoleSerialPciFactory factory = new ConsoleSerialPciFactory();
        StatefulDevice bus = (StatefulDevice) factory.create(new StubDeviceContext("vs0"), Map.of());
        bus.quiesce();
        StateRecord state = StateCodec.decode(StateCodec.encode(bus.saveState()));
        assertInstanceOf(EmptySerialBus.class, factory.restore(new StubDeviceContext("vs0"), Map.of(), state));
        DeviceException e = assertThrows(DeviceException.class, () -> factory.restore(new StubDeviceContext("vs0"),
                Map.of(), StateRecord.builder("virtio-serial-bus", 2).build()));
        assertEquals("virtio-serial-pci vs0: virtio-serial-bus state version 2 is not readable here (versions 1 to "
                + "1)", e.getMessage());
    }

    @Test
    void badPropertiesSayWhatIsAccepted() {
        assertError("virtconsole: unknown property 'speed'; accepted: bus, chardev, cols, rows",
                Map.of("speed", "9600"));
        assertError("virtconsole: cols 'wide' is not a size; use 1..65535", Map.of("cols", "wide", "rows", "2"));
        assertError("virtconsole: rows '65536' is not a size; use 1..65535", Map.of("cols", "1", "rows", "65536"));
        assertError("virtconsole: rows '0' is not a size; use 1..65535", Map.of("cols", "1", "rows", "0"));
        assertError("virtconsole: give both cols and rows, or neither", Map.of("cols", "80"));
        assertError("virtconsole: chardev is empty; use e.g. chardev=stdio", Map.of("chardev", ""));
    }

    private static void assertError(String message, Map<String, String> properties) {
        DeviceException e = assertThrows(DeviceException.class,
                () -> ConsoleConfig.parse("virtconsole", properties, "stdio"));
        assertEquals(message, e.getMessage());
    }
}
