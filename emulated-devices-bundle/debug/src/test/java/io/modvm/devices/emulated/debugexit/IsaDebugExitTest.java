package io.modvm.devices.emulated.debugexit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceException;
import io.modvm.testkit.device.FakeDeviceContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IsaDebugExitTest {
    private final FakeDeviceContext context = new FakeDeviceContext();

    @Test
    void exitStatusIsValueShiftedLeftPlusOneAtEveryWidth() throws Exception {
        Device device = new IsaDebugExitFactory().create(context, Map.of("iosize", "4"));
        context.out(0x501, 1, 0x00);
        context.out(0x501, 1, 0x01);
        context.out(0x501, 2, 0x1234);
        context.out(0x501, 4, 0x10);
        context.out(0x501, 1, 0x1ff);
        assertEquals(List.of(1, 3, 0x2469, 0x21, 0x1ff), context.exitRequests(),
                "the value is masked to the access width first");
        assertEquals("dev0", device.id());
    }

    @Test
    void readsFloatHigh() throws Exception {
        new IsaDebugExitFactory().create(context, Map.of());
        assertEquals(0xff, context.in(0x501, 1));
        assertEquals(0xffff, context.in(0x501, 2));
        assertEquals(0xffffffffL, context.in(0x501, 4));
        assertEquals(0xffffffffL, context.in(0x502, 8));
        assertTrue(context.exitRequests().isEmpty());
    }

    @Test
    void defaultsAreQemus() throws Exception {
        new IsaDebugExitFactory().create(context, Map.of());
        assertTrue(context.portClaimed(0x501));
        assertTrue(context.portClaimed(0x502));
        assertFalse(context.portClaimed(0x503));
    }

    @Test
    void iobaseAndIosize() throws Exception {
        new IsaDebugExitFactory().create(context, Map.of("iobase", "0xf4", "iosize", "0x04"));
        assertTrue(context.portClaimed(0xf7));
        context.out(0xf4, 4, 0);
        assertEquals(List.of(1), context.exitRequests());
    }

    @Test
    void propertyErrors() {
        assertError("isa-debug-exit: iobase 'port' is not a number; use e.g. iobase=0x501", Map.of("iobase", "port"));
        assertError("isa-debug-exit: iobase '0x10000' is out of range; use 0x0..0xffff", Map.of("iobase", "0x10000"));
        assertError("isa-debug-exit: iosize '0' is out of range; use 1..65536", Map.of("iosize", "0"));
        assertError("isa-debug-exit: iosize 'two' is not a number; use e.g. iosize=2", Map.of("iosize", "two"));
        assertError("isa-debug-exit: iobase 0xfffe with iosize 4 runs past port 0xffff; use a smaller iobase or iosize",
                Map.of("iobase", "0xfffe", "iosize", "4"));
        assertError("isa-debug-exit: unknown property 'irq'; accepted: iobase, iosize", Map.of("irq", "5"));
    }

    private void assertError(String message, Map<String, String> properties) {
        DeviceException e = assertThrows(DeviceException.class,
                () -> new IsaDebugExitFactory().create(new FakeDeviceContext(), properties));
        assertEquals(message, e.getMessage());
    }
}
