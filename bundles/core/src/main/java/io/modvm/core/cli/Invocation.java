package io.modvm.core.cli;

import io.modvm.core.machine.MachineSpec;

/** What a command line asks for. */
sealed interface Invocation {
    record Run(MachineSpec spec) implements Invocation {
    }

    record Help() implements Invocation {
    }

    record Version() implements Invocation {
    }

    /** {@code -device help}, or {@code -device TYPE,help} when {@code type} is not null. */
    record DeviceHelp(String type) implements Invocation {
    }
}
