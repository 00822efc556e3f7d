package io.modvm.core.machine;

import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.accel.CpuModel;
import io.modvm.api.accel.DirtyPageLog;
import io.modvm.api.accel.RamRegion;
import io.modvm.api.backend.Backend;
import io.modvm.api.backend.BackendKinds;
import io.modvm.api.device.DeviceException;
import io.modvm.api.machine.Machine;
import io.modvm.api.machine.RunState;
import io.modvm.api.migration.DirtyLog;
import io.modvm.api.migration.MigratableMachine;
import io.modvm.api.migration.MigrationException;
import io.modvm.api.migration.RamBlock;
import io.modvm.api.net.NetworkBackend;
import io.modvm.api.net.VringOffload;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.core.memory.RamGuestMemory;
import io.modvm.core.memory.WrittenPages;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The machine as snapshots and migration see it: its RAM, a description to compare before taking a stream, and
 * its state in one record, {@code machine} v1, made of the parts' own records: the accelerator's VM-wide state
 * ({@code vm}), the PCI bus ({@code pci}), every device ({@code devices}, by id) and every vCPU ({@code vcpus}).
 * They are restored bus first, then the devices (which re-drive their interrupt lines), then the interrupt
 * controllers and clock, so that the saved controller state has the last word, and the vCPUs last, as the
 * accelerator asks. MSI-X messages the resumed devices send meanwhile are held until the vCPUs are back.
 */
public final class MigratableVm implements MigratableMachine {
    static final String DESCRIPTION = "machine-description";
    static final String STATE = "machine";
    private static final String RAM_BLOCK = "pc.ram";

    private final VmMachine machine;
    private final Function<String, Map<String, Backend>> backends;

    /** @param backends the open backends of a kind, by id */
    public MigratableVm(VmMachine machine, Function<String, Map<String, Backend>> backends) {
        this.machine = machine;
        this.backends = backends;
    }

    @Override
    public Machine machine() {
        return machine;
    }

    @Override
    public List<RamBlock> ram() {
        RamLease lease = Objects.requireNonNull(machine.ramLease(), "no RAM before the machine runs");
        return List.of(new RegionBlock(RAM_BLOCK, lease));
    }

    @Override
    public StateRecord describe() {
        StateRecord.Builder b = StateRecord.builder(DESCRIPTION, 1);
        b.put("vcpus", machine.vcpuCount());
        List<StateRecord> blocks = new ArrayList<>();
        for (RamBlock r : ram()) {
            blocks.add(StateRecord.builder("ram-block", 1).put("name", r.name()).put("size", r.size()).build());
        }
        b.put("ram", blocks);
        try {
            b.put("cpu", machine.cpuModel());
        } catch (MachineException e) {
            b.put("cpu-unknown", e.getMessage());
        }
        b.put("devices", String.join(",", machine.devices().ids()));
        b.put("device-configs", DeviceDescriptions.describe(machine.devices().configurations()));
        return b.build();
    }

    @Override
    public List<String> differences(StateRecord source) {
        List<String> out = new ArrayList<>();
        StateRecord here = describe();
        try {
            source.require(DESCRIPTION, 1, 1);
            if (source.getLong("vcpus") != here.getLong("vcpus")) {
                out.add("vCPUs: source " + source.getLong("vcpus") + ", here " + here.getLong("vcpus"));
            }
            Map<String, Long> sourceRam = ramSizes(source);
            Map<String, Long> hereRam = ramSizes(here);
            if (!sourceRam.equals(hereRam)) {
                out.add("RAM: source " + sizes(sourceRam) + ", here " + sizes(hereRam)
                        + " (start the destination with the same -m)");
            }
            if (source.has("cpu") && here.has("cpu")) {
                CpuModel.differences(source.getRecord("cpu"), here.getRecord("cpu"))
                        .forEach(d -> out.add("CPU: " + d));
            } else if (source.has("cpu") != here.has("cpu")) {
                out.add("CPU: the " + (source.has("cpu") ? "destination" : "source") + " cannot describe its CPU");
            }
            if (source.has("device-configs")) {
                out.addAll(DeviceDescriptions.differences(source.getRecords("device-configs"),
                        here.getRecords("device-configs")));
            } else if (!source.getString("devices").equals(here.getString("devices"))) {
                out.add("devices: source [" + source.getString("devices") + "], here [" + here.getString("devices")
                        + "] (start the destination with the same devices, in the same order)");
            }
        } catch (StateException e) {
            out.add("the source's description is not readable here: " + e.getMessage());
        }
        return out;
    }

    @Override
    public List<String> migrationBlockers() {
        Map<String, Backend> netdevs = backends.apply(BackendKinds.NETDEV);
        List<String> out = new ArrayList<>();
        machine.devices().configurations().forEach((id, c) -> {
            String netdev = c.properties().get(BackendKinds.NETDEV);
            if (netdev != null && netdevs.get(netdev) instanceof NetworkBackend nb) {
                nb.offload().filter(o -> !o.logsWrites()).ifPresent(o -> out.add(offloadBlocker(id, netdev,
                        o.name())));
            }
        });
        return out;
    }

    /** The offloads that serve NICs' rings, by NIC id: their writes are logged while a migration runs. */
    private Map<String, VringOffload> offloads() {
        Map<String, Backend> netdevs = backends.apply(BackendKinds.NETDEV);
        Map<String, VringOffload> out = new LinkedHashMap<>();
        machine.devices().configurations().forEach((id, c) -> {
            String netdev = c.properties().get(BackendKinds.NETDEV);
            if (netdev != null && netdevs.get(netdev) instanceof NetworkBackend nb) {
                nb.offload().ifPresent(o -> out.put(id, o));
            }
        });
        return out;
    }

    /**
     * A NIC whose rings a datapath outside the process serves that cannot log its writes (a vhost-user back-end
     * without VHOST_F_LOG_ALL and LOG_SHMFD): the frames it writes into guest RAM would never reach the dirty log,
     * so pages sent early would arrive stale. vhost-net can be left off for the tap; a vhost-user back-end is the
     * only way that NIC's frames go.
     */
    private static String offloadBlocker(String nic, String netdev, String offload) {
        String what = offload.equals("vhost-net") ? "start netdev '" + netdev + "' with vhost=off"
                : "give the NIC a back-end that logs its writes (VHOST_F_LOG_ALL, LOG_SHMFD) or a netdev whose frames"
                        + " modvm moves itself (tap, user)";
        return "NIC '" + nic + "' moves its frames through " + offload + " (netdev '" + netdev + "'), which cannot log"
                + " its writes to guest RAM for the dirty log; " + what + " to migrate this guest";
    }

    private static Map<String, Long> ramSizes(StateRecord d) throws StateException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (StateRecord r : d.getRecords("ram")) {
            r.require("ram-block", 1, 1);
            out.put(r.getString("name"), r.getLong("size"));
        }
        return out;
    }

    private static String sizes(Map<String, Long> ram) {
        List<String> parts = new ArrayList<>();
        ram.forEach((n, s) -> parts.add(n + " " + (s >> 20) + " MiB"));
        return String.join(", ", parts);
    }

    @Override
    public StateRecord saveState() throws StateException {
        Map<String, StateRecord> devices;
        try {
            devices = machine.devices().saveAll();
        } catch (DeviceException e) {
            throw new StateException(e.getMessage());
        }
        try {
            StateRecord.Builder b = StateRecord.builder(STATE, 1);
            b.put("vm", machine.saveVmState());
            b.put("pci", machine.savePlatformState());
            List<StateRecord> list = new ArrayList<>();
            devices.forEach((id, s) -> list.add(StateRecord.builder("device-entry", 1).put("id", id)
                    .put("state", s).build()));
            b.put("devices", list);
            b.put("vcpus", machine.saveVcpuStates());
            return b.build();
        } catch (MachineException | RuntimeException e) {
            machine.devices().resumeAll();
            throw new StateException(e.getMessage());
        }
    }

    @Override
    public void resumeDevices() {
        machine.devices().resumeAll();
    }

    @Override
    public void restoreState(StateRecord state) throws StateException {
        state.require(STATE, 1, 1);
        Map<String, StateRecord> devices = new LinkedHashMap<>();
        for (StateRecord e : state.getRecords("devices")) {
            e.require("device-entry", 1, 1);
            devices.put(e.getString("id"), e.getRecord("state"));
        }
        // The devices resume before the vCPUs' local APICs are put back: an MSI-X message a device sends meanwhile
        // would be overwritten, so the messages wait until the vCPUs are restored.
        machine.holdDeviceInterrupts();
        try {
            machine.restorePlatformState(state.getRecord("pci"));
            machine.devices().restoreAll(devices);
            machine.restoreVmState(state.getRecord("vm"));
            machine.restoreVcpuStates(state.getRecords("vcpus"));
        } catch (MachineException | DeviceException e) {
            throw new StateException(e.getMessage());
        } finally {
            machine.releaseDeviceInterrupts();
        }
    }

    @Override
    public DirtyLog startDirtyLog() throws MigrationException {
        RamRegion region = machine.ramRegion();
        RamGuestMemory memory = machine.ram().memory();
        DirtyPageLog vcpuWrites;
        try {
            vcpuWrites = machine.startDirtyLog();
        } catch (MachineException e) {
            throw new MigrationException(e.getMessage(), e);
        }
        OffloadWriteLogs offloadWrites;
        try {
            offloadWrites = OffloadWriteLogs.start(memory, offloads());
        } catch (MigrationException e) {
            vcpuWrites.close();
            throw e;
        }
        WrittenPages deviceWrites = new WrittenPages(region);
        memory.track(deviceWrites);
        return new DirtyLog() {
            @Override
            public int pageSize() {
                return 4096;
            }

            @Override
            public long[] fetch(int block) throws MigrationException {
                long[] pages;
                try {
                    pages = vcpuWrites.fetch(region);
                } catch (AcceleratorException e) {
                    throw new MigrationException(e.getMessage(), e);
                }
                return offloadWrites.addTo(pages, region);
            }

            @Override
            public long[] deviceWritten(int block) {
                return deviceWrites.snapshot();
            }

            @Override
            public void close() {
                memory.track(null);
                offloadWrites.close();
                vcpuWrites.close();
            }
        };
    }

    @Override
    public boolean stopGuest() {
        return machine.pauseForState("migration");
    }

    @Override
    public void migrated(boolean handedOver) {
        machine.show(RunState.POSTMIGRATE);
        if (handedOver) {
            machine.handedOver();
        } else {
            machine.beforeResumeFromMigration(machine.devices()::resumeAll);
        }
    }

    @Override
    public void showState(RunState state) {
        machine.show(state);
    }

    @Override
    public void incomingLoaded() {
        machine.incomingLoaded();
    }

    @Override
    public void incomingFailed(String reason) {
        machine.incomingFailed(reason);
    }

    @Override
    public Map<String, Backend> backends(String kind) {
        return backends.apply(kind);
    }

    /** Guest RAM's region as a migration block; every access holds the run's RAM lease. */
    private record RegionBlock(String name, RamLease lease) implements RamBlock {
        /** Zeroes to compare with: a migration's run of pages (1 MiB) in one comparison. */
        private static final ByteBuffer ZEROES = ByteBuffer.allocateDirect(1 << 20);

        @Override
        public long size() {
            return lease.region().size();
        }

        @Override
        public void read(long offset, byte[] destination, int at, int length) {
            check(offset, length);
            lease.use(() -> lease.region().view(offset, length).get(0, destination, at, length));
        }

        @Override
        public void write(long offset, byte[] source, int at, int length) {
            check(offset, length);
            lease.use(() -> lease.region().view(offset, length).put(0, source, at, length));
        }

        @Override
        public boolean isZero(long offset, int length) {
            check(offset, length);
            return lease.use(() -> {
                ByteBuffer v = lease.region().view(offset, length);
                for (int p = 0; p < length; p += ZEROES.capacity()) {
                    int n = Math.min(ZEROES.capacity(), length - p);
                    if (v.slice(p, n).mismatch(ZEROES.slice(0, n)) >= 0) {
                        return false;
                    }
                }
                return true;
            });
        }

        @Override
        public long dataFrom(long offset) {
            Objects.checkIndex(offset, size() + 1);
            return lease.use(() -> lease.region().dataFrom(offset));
        }

        @Override
        public long dataUntil(long offset) {
            Objects.checkIndex(offset, size() + 1);
            return lease.use(() -> lease.region().dataUntil(offset));
        }

        @Override
        public void zero(long offset, long length) {
            Objects.checkFromIndexSize(offset, length, size());
            lease.use(() -> {
                lease.region().discard(offset, length);
                return null;
            });
        }

        @Override
        public int fd() {
            return lease.region().fd();
        }

        @Override
        public void adopt(int fd) throws MigrationException {
            try {
                lease.use(() -> {
                    try {
                        lease.region().adopt(fd);
                        return null;
                    } catch (AcceleratorException e) {
                        throw new IllegalStateException(name + ": " + e.getMessage(), e);
                    }
                });
            } catch (IllegalStateException e) {
                throw new MigrationException(e.getMessage(), e);
            }
        }

        private void check(long offset, int length) {
            Objects.checkFromIndexSize(offset, length, size());
        }
    }
}
