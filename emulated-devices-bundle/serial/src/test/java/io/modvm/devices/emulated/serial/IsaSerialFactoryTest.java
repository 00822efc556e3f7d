package io.modvm.devices.emulated.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.DeviceException;
import io.modvm.testkit.device.FakeDeviceContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IsaSerialFactoryTest {
    private final IsaSerialFactory factory = new IsaSerialFactory();
    private final FakeDeviceContext context = new FakeDeviceContext();

    @Test
    void typeIsQemusName() {
        assertEquals("isa-serial", factory.type());
    }

    @Test
    void defaultsToCom1OnANullBackend() throws Exception {
        factory.create(context, Map.of("id", "serial0"));
        assertTrue(context.portClaimed(0x3f8));
        assertTrue(context.portClaimed(0x3ff));
        assertFalse(context.portClaimed(0x400));
        assertTrue(context.lineTaken(4));
        assertNotNull(context.charBackendNamed("null"));
    }

    @Test
    void indexPicksThePcPortAndIrq() throws Exception {
        factory.create(context, Map.of("index", "1"));
        assertTrue(context.portClaimed(0x2f8));
        assertTrue(context.lineTaken(3));
    }

    @Test
    void explicitIobaseAndIrqWinOverIndex() throws Exception {
        factory.create(context, Map.of("index", "3", "iobase", "1000", "irq", "0x5"));
        assertTrue(context.portClaimed(1000));
        assertTrue(context.lineTaken(5));
    }

    @Test
    void hexIobaseIsAccepted() throws Exception {
        factory.create(context, Map.of("iobase", "0x3E8"));
        assertTrue(context.portClaimed(0x3e8));
    }

    @Test
    void badIobase() {
        assertError("isa-serial: iobase 'zz' is not a number; use e.g. iobase=0x3f8", Map.of("iobase", "zz"));
        assertError("isa-serial: iobase '0xfffff' is out of range; use 0x0..0xfff8", Map.of("iobase", "0xfffff"));
        assertError("isa-serial: iobase '' is not a number; use e.g. iobase=0x3f8", Map.of("iobase", ""));
    }

    @Test
    void badIrq() {
        assertError("isa-serial: irq '16' is out of range; use 0..15", Map.of("irq", "16"));
        assertError("isa-serial: irq 'four' is not a number; use e.g. irq=4", Map.of("irq", "four"));
    }

    @Test
    void badIndex() {
        assertError("isa-serial: index '4' is out of range; use 0..3", Map.of("index", "4"));
        assertError("isa-serial: index '-1' is not a number; use e.g. index=0", Map.of("index", "-1"));
    }

    @Test
    void unknownProperty() {
        assertError("isa-serial: unknown property 'speed'; accepted: chardev, index, iobase, irq",
                Map.of("speed", "9600"));
    }

    @Test
    void badChardevKeepsTheBackendsMessage() {
        assertError("chardev 'bad' is not a backend; use stdio, file:PATH or null", Map.of("chardev", "bad"));
    }

    private void assertError(String message, Map<String, String> properties) {
        DeviceException e = assertThrows(DeviceException.class, () -> factory.create(context, properties));
        assertEquals(message, e.getMessage());
    }
}
