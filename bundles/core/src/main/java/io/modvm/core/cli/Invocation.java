package io.modvm.core.cli;

import io.modvm.core.machine.MachineSpec;

/** What a command line asks for. */
sealed interface Invocation {
    /**
     * Run a machine. A spec without a kernel asks for the default guest; {@code userAppend} is the {@code -append}
     * text, or null when none was given; {@code qmp} and {@code monitors} are the {@code -qmp} and {@code -monitor}
     * endpoints, for the monitor bundle; {@code drives} are the {@code -drive if=none} drives no {@code -device}
     * took, by id, which {@code device_add ...,drive=ID} can take while the machine runs.
     */
    record Run(MachineSpec spec, String userAppend, java.util.List<String> qmp, java.util.List<String> monitors,
            java.util.Map<String, java.util.Map<String, String>> drives) implements Invocation {
        public Run {
            qmp = java.util.List.copyOf(qmp);
            monitors = java.util.List.copyOf(monitors);
            drives = java.util.Map.copyOf(drives);
        }

        Run(MachineSpec spec, String userAppend, java.util.List<String> qmp, java.util.List<String> monitors) {
            this(spec, userAppend, qmp, monitors, java.util.Map.of());
        }

        Run(MachineSpec spec, String userAppend) {
            this(spec, userAppend, java.util.List.of(), java.util.List.of());
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
