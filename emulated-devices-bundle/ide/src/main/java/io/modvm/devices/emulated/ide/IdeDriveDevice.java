package io.modvm.devices.emulated.ide;

import io.modvm.api.device.StatefulDevice;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;

/**
 * One {@code ide-hd} or {@code ide-cd} as the machine sees it: its drive on a channel of the shared controller. The
 * drive that made the controller also resets it on a machine reset and carries its state; every drive carries its
 * own. All the work happens on vCPU threads under the channel's lock, so quiescing has nothing to stop.
 */
final class IdeDriveDevice implements StatefulDevice {
    private final String id;
    private final IdeDrive drive;
    private final IdeControllers.Placement placement;
    private final IdeControllers controllers;
    private boolean closed;

    IdeDriveDevice(String id, IdeDrive drive, IdeControllers.Placement placement, IdeControllers controllers) {
        this.id = id;
        this.drive = drive;
        this.placement = placement;
        this.controllers = controllers;
    }

    @Override
    public String id() {
        return id;
    }

    IdeDrive drive() {
        return drive;
    }

    IdeControllers.Placement placement() {
        return placement;
    }

    @Override
    public void reset() {
        if (placement.owner()) {
            placement.controller().reset();
        } else {
            synchronized (placement.channel()) {
                drive.reset();
            }
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        controllers.unplug(placement, id);
    }

    @Override
    public void quiesce() {
    }

    @Override
    public void resume() {
    }

    @Override
    public StateRecord saveState() {
        StateRecord.Builder b = StateRecord.builder("ide-device", IdeState.VERSION)
                .put("bus", placement.channel().index()).put("unit", placement.unit());
        synchronized (placement.channel()) {
            b.put("drive", IdeState.save(drive));
        }
        if (placement.owner()) {
            b.put("controller", IdeState.save(placement.controller()));
        }
        return b.build();
    }

    /** Takes over a predecessor's state, before the guest can reach the drive again. */
    void restoreState(StateRecord r) throws StateException {
        r.require("ide-device", 1, IdeState.VERSION);
        if (r.getInt("bus") != placement.channel().index() || r.getInt("unit") != placement.unit()) {
            throw new StateException("ide-device: saved at ide." + r.getInt("bus") + " unit " + r.getInt("unit")
                    + ", now at ide." + placement.channel().index() + " unit " + placement.unit());
        }
        synchronized (placement.channel()) {
            IdeState.restore(drive, r.getRecord("drive"));
        }
        if (placement.owner() && r.has("controller")) {
            IdeState.restore(placement.controller(), r.getRecord("controller"));
        }
    }
}
