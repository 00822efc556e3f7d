package io.modvm.core.cli;

import io.modvm.core.boot.BootPlan;
import io.modvm.core.firmware.FirmwareLoader;
import io.modvm.core.firmware.FirmwareSearch;
import java.util.List;
import java.util.function.Supplier;

/**
 * The firmware path of the command line: the {@code -bios} image (or the system's SeaBIOS), found in the
 * {@code -L} directories. The image is read when the plan is, after the backends are open, so that a bad file ends
 * the machine with one line before it starts.
 */
final class FirmwarePlans {
    private FirmwarePlans() {
    }

    /**
     * Boots {@code run} through its firmware.
     *
     * @param bootOrder the firmware's boot order once the devices are plugged (see {@code BootOrder})
     */
    static BootPlan of(Invocation.Run run, Supplier<List<String>> bootOrder) {
        return () -> new FirmwareLoader(new FirmwareSearch(run.firmwareDirs()).bios(run.bios()), bootOrder.get());
    }
}
