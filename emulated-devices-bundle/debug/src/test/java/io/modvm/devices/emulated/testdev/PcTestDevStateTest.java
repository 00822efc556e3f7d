package io.modvm.devices.emulated.testdev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modvm.api.device.DeviceException;
import io.modvm.api.device.StatefulDevice;
import io.modvm.api.state.StateCodec;
import io.modvm.api.state.StateRecord;
import io.modvm.testkit.device.FakeDeviceContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** pc-testdev's scratch areas handed to a new instance. */
class PcTestDevStateTest {
    private final PcTestDevFactory factory = new PcTestDevFactory();

    @Test
    void theSuccessorReadsBackWhatTheGuestWrote() throws Exception {
        FakeDeviceContext before = new FakeDeviceContext();
        StatefulDevice dev = (StatefulDevice) factory.create(before, Map.of());
        before.out(PcTestDev.SCRATCH_PORT, 4, 0xdeadbeefL);
        before.mmioWrite(PcTestDev.MMIO_BASE + 0x10, 8, 0x0123_4567_89ab_cdefL);
        before.mmioWrite(PcTestDev.MMIO_BASE + 0xffc, 4, 0xcafef00dL);
        dev.quiesce();
        StateRecord state = StateCodec.decode(StateCodec.encode(dev.saveState()));

        FakeDeviceContext after = new FakeDeviceContext();
        factory.restore(after, Map.of(), state);
        assertEquals(0xdeadbeefL, after.in(PcTestDev.SCRATCH_PORT, 4));
        assertEquals(0x0123_4567_89ab_cdefL, after.mmioRead(PcTestDev.MMIO_BASE + 0x10, 8));
        assertEquals(0xcafef00dL, after.mmioRead(PcTestDev.MMIO_BASE + 0xffc, 4));
        assertEquals(0, after.mmioRead(PcTestDev.MMIO_BASE, 8));
    }

    @Test
    void aShortScratchAreaOrAnotherTypeIsRefused() {
        StateRecord small = StateRecord.builder("pc-testdev", 1).put("scratchPort", new byte[4])
                .put("scratchMmio", new byte[16]).build();
        assertEquals("pc-testdev: cannot take over the saved state: pc-testdev: scratch areas of 4 and 16 bytes, "
                + "not 4 and 4096", assertThrows(DeviceException.class,
                        () -> factory.restore(new FakeDeviceContext(), Map.of(), small)).getMessage());
        assertThrows(DeviceException.class, () -> factory.restore(new FakeDeviceContext(), Map.of(),
                StateRecord.builder("isa-debug-exit", 1).build()));
    }
}
