package io.modvm.api.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modvm.api.device.DeviceException;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackendOptionsTest {
    @Test
    void aNumberIsInItsRangeOrOneLineSaysWhich() throws Exception {
        BackendOptions o = new BackendOptions("tap n0", Map.of("queues", " 4", "bad", "x", "big", "65"),
                Set.of("queues", "bad", "big", "none"));
        assertEquals(4, o.number("queues", 1, 1, 64));
        assertEquals(1, o.number("none", 1, 1, 64));
        assertEquals("tap n0: bad 'x' is not a number from 1 to 64",
                assertThrows(DeviceException.class, () -> o.number("bad", 1, 1, 64)).getMessage());
        assertEquals("tap n0: big '65' is not a number from 1 to 64",
                assertThrows(DeviceException.class, () -> o.number("big", 1, 1, 64)).getMessage());
    }
}
