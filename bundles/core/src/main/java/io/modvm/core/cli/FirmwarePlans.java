package io.modvm.core.cli;

import io.modvm.core.boot.BootException;
import io.modvm.core.boot.BootPlan;
import io.modvm.core.firmware.BiosImage;
import io.modvm.core.firmware.FirmwareLoader;
import io.modvm.core.firmware.FirmwareSearch;
import java.util.List;
import java.util.function.Supplier;

/**
 * The firmware path of the command line: the {@code -bios} image (or the system's SeaBIOS), found in the
 * {@code -L} directories. The image is read and checked before the machine is built, so that a bad file is one line
 * and nothing else starts.
 */
final class FirmwarePlans {
    private FirmwarePlans() {
    }

    /**
     * The BIOS image {@code run} boots, found and checked.
     *
     * @throws BootException in one line if it is missing or not a BIOS image
     */
    static BiosImage bios(Invocation.Run run) throws BootException {
        return new FirmwareSearch(run.firmwareDirs()).bios(run.bios());
    }

    /**
     * Boots {@code bios} through its firmware.
     *
     * @param bootOrder the firmware's boot order once the devices are plugged (see {@code BootOrder})
     */
    static BootPlan of(BiosImage bios, Supplier<List<String>> bootOrder) {
        return () -> new FirmwareLoader(bios, bootOrder.get());
    }
}
