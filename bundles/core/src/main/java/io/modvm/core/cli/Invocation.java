package io.modvm.core.cli;

import io.modvm.core.backends.BackendSpec;
import io.modvm.core.devices.DeviceSpec;
import io.modvm.core.machine.MachineSpec;
import java.util.List;
import java.util.Map;

/** What a command line asks for. */
sealed interface Invocation {
    /**
     * Run a machine. A spec without a kernel asks for the default guest; {@code backends} are the command line's
     * backends, opened before {@code devices}, its devices in plug order; {@code userAppend} is the {@code -append} text, or null when none was given; {@code qmp}
     * and {@code monitors} are the {@code -qmp} and {@code -monitor} endpoints, for the monitor bundle; {@code drives}
     * are the {@code -drive if=none} drives no {@code -device} took, by id, which {@code device_add ...,drive=ID} can
     * take while the machine runs.
     */
    record Run(MachineSpec spec, List<BackendSpec> backends, List<DeviceSpec> devices, String userAppend,
            List<String> qmp, List<String> monitors, Map<String, Map<String, String>> drives)
            implements Invocation {
        public Run {
            backends = List.copyOf(backends);
            devices = List.copyOf(devices);
            qmp = List.copyOf(qmp);
            monitors = List.copyOf(monitors);
            drives = Map.copyOf(drives);
        }
    }

    record Help() implements Invocation {
    }

    record Version() implements Invocation {
    }

    /** {@code -device help}, or {@code -device TYPE,help} when {@code type} is not null. */
    record DeviceHelp(String type) implements Invocation {
    }
}
