package io.modvm.core.cli;

import io.modvm.core.backends.BackendSpec;
import io.modvm.core.devices.DeviceSpec;
import io.modvm.core.machine.MachineSpec;
import io.modvm.core.machine.StartMode;
import java.util.List;

/** What a command line asks for. */
sealed interface Invocation {
    /**
     * Run a machine. A spec without a kernel asks for the default guest; {@code backends} are the command line's
     * backends, opened before {@code devices}, its devices in plug order; {@code userAppend} is the {@code -append}
     * text, or null when none was given; {@code qmp} and {@code monitors} are the {@code -qmp} and {@code -monitor}
     * endpoints, and {@code gogo} the {@code -gogo} ones (a Gogo shell), for the monitor bundle; {@code bootMenu}
     * is {@code -boot menu=on} (list a disk's boot entries), {@code bootEntry} the {@code -boot entry=} a disk
     * boots instead of its default (a title, id or index), or null.
     */
    record Run(MachineSpec spec, List<BackendSpec> backends, List<DeviceSpec> devices, String userAppend,
            List<String> qmp, List<String> monitors, List<String> gogo, StartMode start, boolean bootMenu,
            String bootEntry) implements Invocation {
        public Run {
            backends = List.copyOf(backends);
            devices = List.copyOf(devices);
            qmp = List.copyOf(qmp);
            monitors = List.copyOf(monitors);
            gogo = List.copyOf(gogo);
        }

        /** A run without {@code -boot} options. */
        public Run(MachineSpec spec, List<BackendSpec> backends, List<DeviceSpec> devices, String userAppend,
                List<String> qmp, List<String> monitors, List<String> gogo, StartMode start) {
            this(spec, backends, devices, userAppend, qmp, monitors, gogo, start, false, null);
        }
    }

    record Help() implements Invocation {
    }

    record Version() implements Invocation {
    }

    /** {@code -net nic,model=help}: the NIC models the registry holds. */
    record NicHelp() implements Invocation {
    }

    /** {@code -netdev help}: the network backend types the registry holds. */
    record NetdevHelp() implements Invocation {
    }

    /** {@code -device help}, or {@code -device TYPE,help} when {@code type} is not null. */
    record DeviceHelp(String type) implements Invocation {
    }
}
