package io.modvm.core.cli;

import io.modvm.core.machine.MachineSpec;

/** What a command line asks for. */
sealed interface Invocation {
    /**
     * Run a machine. A spec without a kernel asks for the default guest; {@code userAppend} is the {@code -append}
     * text, or null when none was given; {@code qmp} and {@code monitors} are the {@code -qmp} and {@code -monitor}
     * endpoints, for the monitor bundle.
     */
    record Run(MachineSpec spec, String userAppend, java.util.List<String> qmp, java.util.List<String> monitors)
            implements Invocation {
        public Run {
            qmp = java.util.List.copyOf(qmp);
            monitors = java.util.List.copyOf(monitors);
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
