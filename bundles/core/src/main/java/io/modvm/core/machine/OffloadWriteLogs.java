package io.modvm.core.machine;

import io.modvm.api.accel.RamRegion;
import io.modvm.api.migration.MigrationException;
import io.modvm.api.net.VringOffload;
import io.modvm.api.net.VringWriteLog;
import io.modvm.core.memory.RamGuestMemory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The write logs of the vring offloads (vhost-net, vhost-user) that serve NICs' rings while a migration runs: their
 * datapaths write guest RAM from outside the vCPUs, so the accelerator's dirty log misses those pages; each fetch
 * of the migration's log adds them, so that pre-copy sends them again, and the stop-and-copy's fetch, after the
 * NICs took their rings back, catches the last ones.
 */
final class OffloadWriteLogs implements AutoCloseable {
    private final RamGuestMemory memory;
    private final List<VringWriteLog> logs;

    private OffloadWriteLogs(RamGuestMemory memory, List<VringWriteLog> logs) {
        this.memory = memory;
        this.logs = logs;
    }

    /**
     * Starts a log on each offload, by NIC id (each can log: the others block the migration before it starts).
     *
     * @throws MigrationException naming the NIC whose offload refused; no log stays open then
     */
    static OffloadWriteLogs start(RamGuestMemory memory, Map<String, VringOffload> offloads)
            throws MigrationException {
        List<VringWriteLog> logs = new ArrayList<>();
        OffloadWriteLogs opened = new OffloadWriteLogs(memory, logs);
        for (Map.Entry<String, VringOffload> e : offloads.entrySet()) {
            try {
                logs.add(e.getValue().startWriteLog(memory.end()));
            } catch (IOException | RuntimeException failure) {
                opened.close();
                throw new MigrationException("NIC '" + e.getKey() + "': " + e.getValue().name()
                        + " cannot log its writes to guest RAM: " + failure.getMessage(), failure);
            }
        }
        return opened;
    }

    /** Adds to {@code pages} (by offset in {@code region}) the pages the offloads wrote since the last fetch. */
    long[] addTo(long[] pages, RamRegion region) throws MigrationException {
        for (VringWriteLog log : logs) {
            try {
                memory.orRegionPages(log.fetch(), region, pages);
            } catch (IOException e) {
                throw new MigrationException("a vhost datapath's dirty log: " + e.getMessage(), e);
            }
        }
        return pages;
    }

    @Override
    public void close() {
        logs.forEach(VringWriteLog::close);
    }
}
