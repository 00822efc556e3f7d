package io.modvm.core.cli;

import io.modvm.api.backend.Backend;
import io.modvm.core.boot.BootPlan;
import java.util.Map;
import java.util.function.Supplier;

/** Makes the boot plan of a run that boots from its disks, once the run's backends can be looked up. */
@FunctionalInterface
interface DiskBootPlan {
    /** @param opened the run's open block backends by id, read when the plan runs */
    BootPlan plan(Supplier<Map<String, Backend>> opened);
}
