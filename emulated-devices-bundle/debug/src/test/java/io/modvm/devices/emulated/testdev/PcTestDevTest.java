package io.modvm.devices.emulated.testdev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceException;
import io.modvm.testkit.device.FakeDeviceContext;
import io.modvm.testkit.device.FakeIrqLine;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PcTestDevTest {
    private static final long MMIO = 0xe000_0000L;

    private FakeDeviceContext context;
    private Device device;

    @BeforeEach
    void plug() throws Exception {
        context = new FakeDeviceContext();
        device = new PcTestDevFactory().create(context, Map.of());
    }

    @Test
    void claimsItsFixedRanges() {
        assertTrue(context.portClaimed(0xe0));
        assertTrue(context.portClaimed(0xeb));
        assertFalse(context.portClaimed(0xec));
        assertTrue(context.mmioClaimed(MMIO));
        assertTrue(context.mmioClaimed(MMIO + 0xfff));
        assertFalse(context.mmioClaimed(MMIO + 0x1000));
        assertFalse(context.lineTaken(0), "no line is taken before the guest pulses one");
    }

    @Test
    void portScratchReadsBackAtEveryWidth() {
        context.out(0xe0, 4, 0x12345678);
        assertEquals(0x12345678L, context.in(0xe0, 4));
        assertEquals(0x5678, context.in(0xe0, 2));
        assertEquals(0x34, context.in(0xe2, 1));
        context.out(0xe1, 1, 0xab);
        assertEquals(0x1234ab78L, context.in(0xe0, 4));
        context.out(0xe2, 2, 0xbeef);
        assertEquals(0xbeef, context.in(0xe2, 2));
        assertEquals(0xbeefab78L, context.in(0xe0, 4));
    }

    @Test
    void portAccessesPastTheRegisterAreHarmless() {
        context.out(0xe0, 4, 0x11223344);
        assertEquals(0xffffffffL, context.in(0xe2, 4));
        context.out(0xe3, 2, 0xffff);
        assertEquals(0x11223344L, context.in(0xe0, 4));
    }

    @Test
    void flushPortIgnoresWrites() {
        context.out(0xe4, 4, 0xdeadbeefL);
        assertEquals(0, context.in(0xe4, 4));
    }

    @Test
    void irqPortPulsesTheNamedGsi() {
        context.out(0xe8, 1, 10);
        FakeIrqLine line = context.line(10);
        assertEquals(List.of(true, false), line.history());
        context.out(0xe8, 4, 23);
        assertEquals(1, context.line(23).risingEdges());
    }

    @Test
    void irqPortIgnoresLinesThatDoNotExist() {
        context.out(0xe8, 1, 24);
        context.out(0xe8, 4, 0xffffffffL);
        assertFalse(context.lineTaken(24));
    }

    @Test
    void mmioScratchReadsBackAtEveryWidth() {
        context.mmioWrite(MMIO + 0x10, 8, 0x0102030405060708L);
        assertEquals(0x0102030405060708L, context.mmioRead(MMIO + 0x10, 8));
        assertEquals(0x05060708L, context.mmioRead(MMIO + 0x10, 4));
        assertEquals(0x0304, context.mmioRead(MMIO + 0x14, 2));
        assertEquals(0x01, context.mmioRead(MMIO + 0x17, 1));
        context.mmioWrite(MMIO + 0xffc, 4, 0xcafef00dL);
        assertEquals(0xcafef00dL, context.mmioRead(MMIO + 0xffc, 4));
        context.mmioWrite(MMIO + 0x3, 2, 0xa55a);
        assertEquals(0xa55a, context.mmioRead(MMIO + 0x3, 2), "unaligned within the page");
    }

    @Test
    void mmioAccessesOverTheEndOrAtOddWidthsAreHarmless() {
        assertEquals(-1L, context.mmioRead(MMIO + 0xffc, 8));
        context.mmioWrite(MMIO + 0xfff, 2, 0x1234);
        assertEquals(0, context.mmioRead(MMIO + 0xfff, 1));
        assertEquals(0xffffffL, context.mmioRead(MMIO, 3));
        context.mmioWrite(MMIO, 3, 0x123456);
        assertEquals(0, context.mmioRead(MMIO, 4));
    }

    @Test
    void resetClearsTheScratchSpace() {
        context.out(0xe0, 4, 0x1);
        context.mmioWrite(MMIO, 8, -1L);
        device.reset();
        assertEquals(0, context.in(0xe0, 4));
        assertEquals(0, context.mmioRead(MMIO, 8));
    }

    @Test
    void takesNoProperties() {
        DeviceException e = assertThrows(DeviceException.class,
                () -> new PcTestDevFactory().create(new FakeDeviceContext(), Map.of("iobase", "0xe0")));
        assertEquals("pc-testdev: unknown property 'iobase'; this device takes no properties", e.getMessage());
    }
}
