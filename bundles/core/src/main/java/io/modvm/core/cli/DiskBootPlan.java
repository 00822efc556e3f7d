package io.modvm.core.cli;

import io.modvm.api.backend.Backend;
import io.modvm.core.boot.BootPlan;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Makes the boot plan of a run that boots from its disks, once the run's backends can be looked up. */
@FunctionalInterface
interface DiskBootPlan {
    /**
     * @param opened the run's open block backends by id, read when the plan runs
     * @param firmwareBootOrder the firmware's boot order once the run's devices are plugged, for a run whose disks
     *     have no configuration modvm can read and so boot through firmware
     */
    BootPlan plan(Supplier<Map<String, Backend>> opened, Supplier<List<String>> firmwareBootOrder);
}
