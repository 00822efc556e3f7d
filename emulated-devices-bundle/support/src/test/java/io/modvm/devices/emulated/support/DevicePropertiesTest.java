package io.modvm.devices.emulated.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modvm.api.device.DeviceException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DevicePropertiesTest {
    @Test
    void idIsAlwaysAccepted() throws Exception {
        DeviceProperties props = DeviceProperties.of("t", Map.of("id", "x"));
        assertEquals("fallback", props.text("id2", "fallback"));
    }

    @Test
    void nullMapIsEmpty() throws Exception {
        assertEquals(7, DeviceProperties.of("t", null, "n").number("n", 7, 0, 10, false));
    }

    @Test
    void unknownPropertiesAreNamedInSortedOrderWithTheAcceptedOnes() {
        DeviceException e = assertThrows(DeviceException.class,
                () -> DeviceProperties.of("t", Map.of("zeta", "1", "alpha", "2"), "b", "a"));
        assertEquals("t: unknown property 'alpha'; accepted: a, b", e.getMessage());
    }

    @Test
    void numbersInDecimalAndHex() throws Exception {
        DeviceProperties props = DeviceProperties.of("t", Map.of("d", "1016", "h", "0X3F8"), "d", "h");
        assertEquals(1016, props.number("d", 0, 0, 0xffff, true));
        assertEquals(0x3f8, props.number("h", 0, 0, 0xffff, true));
    }

    @Test
    void hugeNumbersAreOutOfRangeNotMalformed() {
        DeviceException e = assertThrows(DeviceException.class, () -> DeviceProperties
                .of("t", Map.of("n", "99999999999999999999999"), "n").number("n", 1, 0, 15, false));
        assertEquals("t: n '99999999999999999999999' is out of range; use 0..15", e.getMessage());
    }

    @Test
    void nullValueIsNotANumber() {
        Map<String, String> values = new HashMap<>();
        values.put("n", null);
        DeviceException e = assertThrows(DeviceException.class,
                () -> DeviceProperties.of("t", values, "n").number("n", 3, 0, 15, false));
        assertEquals("t: n '' is not a number; use e.g. n=3", e.getMessage());
    }

    @Test
    void allOnesPerWidth() {
        assertEquals(0xffL, AccessWidth.allOnes(1));
        assertEquals(0xffffffL, AccessWidth.allOnes(3));
        assertEquals(-1L, AccessWidth.allOnes(8));
        assertEquals(0L, AccessWidth.allOnes(0));
        assertEquals(0L, AccessWidth.allOnes(16));
    }
}
