package io.modvm.monitor.machine;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modvm.api.machine.RunState;
import io.modvm.api.monitor.MonitorException;
import io.modvm.monitor.testing.FakeMachine;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MachineCommandsTest {
    private final FakeMachine machine = new FakeMachine();

    private static <T extends MachineCommand> T bound(T command, FakeMachine machine) {
        command.bindMachine(machine);
        return command;
    }

    @Test
    void eachCommandDrivesTheMachineAndReturnsAnEmptyObject() throws Exception {
        assertEquals(Map.of(), bound(new StopCommand(), machine).execute(Map.of()));
        assertEquals(Map.of(), bound(new ContCommand(), machine).execute(Map.of()));
        assertEquals(Map.of(), bound(new SystemResetCommand(), machine).execute(Map.of()));
        assertEquals(Map.of(), bound(new SystemPowerdownCommand(), machine).execute(Map.of()));
        assertEquals(Map.of(), bound(new QuitCommand(), machine).execute(Map.of()));
        assertEquals(List.of("pause", "resume", "reset", "powerDown", "quit 0"), machine.calls());
    }

    @Test
    void hmpAndQmpNamesFollowQemu() {
        assertEquals("stop", new StopCommand().hmpName());
        assertEquals("cont", new ContCommand().hmpName());
        assertEquals("system_reset", new SystemResetCommand().hmpName());
        assertEquals("system_powerdown", new SystemPowerdownCommand().hmpName());
        assertEquals("quit", new QuitCommand().hmpName());
        assertEquals("info status", new QueryStatusCommand().hmpName());
    }

    @Test
    void queryStatusHasQemusShape() throws Exception {
        QueryStatusCommand q = bound(new QueryStatusCommand(), machine);
        assertEquals("{status=running, singlestep=false, running=true}", q.execute(Map.of()).toString());
        machine.state = RunState.PAUSED;
        assertEquals("{status=paused, singlestep=false, running=false}", q.execute(Map.of()).toString());
    }

    @Test
    void infoStatusPrintsAsQemuPrintsIt() throws Exception {
        QueryStatusCommand q = bound(new QueryStatusCommand(), machine);
        assertEquals("VM status: running\n", q.formatHmp(q.execute(Map.of())));
        machine.state = RunState.PAUSED;
        assertEquals("VM status: paused\n", q.formatHmp(q.execute(Map.of())));
        machine.state = RunState.SHUTDOWN;
        assertEquals("VM status: paused (shutdown)\n", q.formatHmp(q.execute(Map.of())));
    }

    @Test
    void withoutAMachineTheCommandsFailAndTouchNothing() {
        StopCommand stop = new StopCommand();
        MonitorException e = assertThrows(MonitorException.class, () -> stop.execute(Map.of()));
        assertEquals(MonitorException.GENERIC_ERROR, e.errorClass());
        assertEquals("No machine is running", e.getMessage());
        stop.bindMachine(machine);
        stop.unbindMachine(new FakeMachine());
        assertDoesNotThrow(() -> stop.execute(Map.of()), "unbinding another machine dropped this one");
        stop.unbindMachine(machine);
        assertThrows(MonitorException.class, () -> stop.execute(Map.of()));
        assertEquals(List.of("pause"), machine.calls());
    }

    @Test
    void argumentsAreRefusedAsQemuRefusesThem() {
        MonitorException e = assertThrows(MonitorException.class,
                () -> bound(new ContCommand(), machine).execute(Map.of("x", 1L)));
        assertEquals("Parameter 'x' is unexpected", e.getMessage());
        assertEquals(List.of(), machine.calls());
    }

    @Test
    void powerdownWithoutAPowerButtonIsAnError() {
        machine.hasPowerButton = false;
        MonitorException e = assertThrows(MonitorException.class,
                () -> bound(new SystemPowerdownCommand(), machine).execute(Map.of()));
        assertEquals(MonitorException.GENERIC_ERROR, e.errorClass());
    }
}
