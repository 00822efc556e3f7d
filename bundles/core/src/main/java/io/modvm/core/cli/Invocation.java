package io.modvm.core.cli;

import io.modvm.core.backends.BackendSpec;
import io.modvm.core.devices.DeviceSpec;
import io.modvm.core.machine.MachineSpec;
import io.modvm.core.machine.StartMode;
import java.nio.file.Path;
import java.util.List;

/** What a command line asks for. */
sealed interface Invocation {
    /**
     * Run a machine. A spec without a kernel asks for the default guest; {@code backends} are the command line's
     * backends, opened before {@code devices}, its devices in plug order; {@code userAppend} is the {@code -append}
     * text, or null when none was given; {@code qmp} and {@code monitors} are the {@code -qmp} and {@code -monitor}
     * endpoints, and {@code gogo} the {@code -gogo} ones (a Gogo shell), for the monitor bundle.
     *
     * <p>How a guest without {@code -kernel} boots: {@code bootOrder} ({@code -boot order=,once=,strict=} and
     * {@code bootindex=}) lists the command line's disks in the order a boot tries them; {@code bootMenu} is
     * {@code -boot menu=on}; {@code bootEntry} is {@code -boot entry=} (the boot loader entry a disk image's own
     * configuration starts, modvm's), or null; {@code bios} is {@code -bios FILE}, or null; {@code firmwareDirs}
     * are the {@code -L} directories, in order, searched for firmware before the system's.
     */
    record Run(MachineSpec spec, List<BackendSpec> backends, List<DeviceSpec> devices, String userAppend,
            List<String> qmp, List<String> monitors, List<String> gogo, StartMode start, BootOrder bootOrder,
            boolean bootMenu, String bootEntry, Path bios, List<Path> firmwareDirs) implements Invocation {
        public Run {
            backends = List.copyOf(backends);
            devices = List.copyOf(devices);
            qmp = List.copyOf(qmp);
            monitors = List.copyOf(monitors);
            gogo = List.copyOf(gogo);
            firmwareDirs = List.copyOf(firmwareDirs);
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
