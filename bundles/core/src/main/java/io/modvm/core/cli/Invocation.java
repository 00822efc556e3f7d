package io.modvm.core.cli;

import io.modvm.core.machine.MachineSpec;

/** What a command line asks for. */
sealed interface Invocation {
    /**
     * Run a machine. A spec without a kernel asks for the default guest; {@code userAppend} is the {@code -append}
     * text, or null when none was given.
     */
    record Run(MachineSpec spec, String userAppend) implements Invocation {
    }

    record Help() implements Invocation {
    }

    record Version() implements Invocation {
    }

    /** {@code -device help}, or {@code -device TYPE,help} when {@code type} is not null. */
    record DeviceHelp(String type) implements Invocation {
    }
}
