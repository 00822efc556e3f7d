package io.modvm.devices.emulated.debugexit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modvm.api.device.DeviceException;
import io.modvm.api.device.StatefulDevice;
import io.modvm.api.state.StateCodec;
import io.modvm.api.state.StateRecord;
import io.modvm.testkit.device.FakeDeviceContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** isa-debug-exit has a state, an empty one, so that a machine with it can be saved and restored. */
class IsaDebugExitStateTest {
    private final IsaDebugExitFactory factory = new IsaDebugExitFactory();

    @Test
    void itsEmptyStateRoundTripsAndTheSuccessorExitsOnTheSamePorts() throws Exception {
        StatefulDevice dev = (StatefulDevice) factory.create(new FakeDeviceContext(), Map.of("iobase", "0xf4"));
        dev.quiesce();
        StateRecord state = StateCodec.decode(StateCodec.encode(dev.saveState()));
        assertEquals("isa-debug-exit", state.type());
        assertEquals(List.of(), List.copyOf(state.names()));

        FakeDeviceContext after = new FakeDeviceContext();
        factory.restore(after, Map.of("iobase", "0xf4"), state);
        after.outb(0xf4, 3);
        assertEquals(List.of(7), after.exitRequests());
    }

    @Test
    void anotherTypeOrANewerVersionIsRefused() {
        assertEquals("isa-debug-exit: cannot take over the saved state: isa-debug-exit state version 9 is not "
                + "readable here (versions 1 to 1)", assertThrows(DeviceException.class, () -> factory.restore(
                        new FakeDeviceContext(), Map.of(), StateRecord.builder("isa-debug-exit", 9).build()))
                        .getMessage());
        assertThrows(DeviceException.class, () -> factory.restore(new FakeDeviceContext(), Map.of(),
                StateRecord.builder("pc-testdev", 1).build()));
    }
}
