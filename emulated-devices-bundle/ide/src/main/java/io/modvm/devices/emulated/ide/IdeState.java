package io.modvm.devices.emulated.ide;

import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What an IDE drive and its controller carry across an update of the bundle, a snapshot or a migration, as versioned
 * records: the drive's task file, status, settings and ATAPI sense, and the command in flight (its phase, the buffer
 * up to its end and where the guest is in it, the sectors still to move); the controller's timing registers and each
 * channel's selected unit, device control, pending interrupt and bus master registers. A saved transfer is checked
 * against the drive it is restored into: a buffer position or a sector run that does not fit is refused.
 */
final class IdeState {
    static final String DRIVE = "ide-drive";
    static final String CONTROLLER = "piix-ide";
    static final int VERSION = 1;

    private IdeState() {
    }

    static StateRecord save(IdeDrive d) {
        return StateRecord.builder(DRIVE, VERSION).put("cdrom", d.cdrom()).put("sectors", d.sectors())
                .put("feature", d.feature).put("nsector", d.nsector).put("sector", d.sector).put("lcyl", d.lcyl)
                .put("hcyl", d.hcyl).put("select", d.select).put("hobFeature", d.hobFeature)
                .put("hobNsector", d.hobNsector).put("hobSector", d.hobSector).put("hobLcyl", d.hobLcyl)
                .put("hobHcyl", d.hobHcyl).put("status", d.status).put("error", d.error)
                .put("phase", d.phase.name()).put("buffer", Arrays.copyOf(d.buffer, d.end)).put("pos", d.pos)
                .put("chunkEnd", d.chunkEnd).put("runLba", d.run.lba()).put("runRemaining", d.run.remaining())
                .put("runPerFill", d.run.perFill()).put("runSectorSize", d.run.sectorSize()).put("lba48", d.lba48)
                .put("byteLimit", d.byteLimit).put("packetDma", d.packetDma).put("multiple", d.multiple)
                .put("dmaMode", d.dmaMode).put("senseKey", d.senseKey).put("asc", d.asc).build();
    }

    /** Puts a saved drive back into {@code d}; nothing changes if the record does not fit it. */
    static void restore(IdeDrive d, StateRecord r) throws StateException {
        r.require(DRIVE, 1, VERSION);
        if (r.getBoolean("cdrom") != d.cdrom() || r.getLong("sectors") != d.sectors()) {
            throw new StateException(DRIVE + ": the saved drive is a " + (r.getBoolean("cdrom") ? "CD" : "disk")
                    + " of " + r.getLong("sectors") + " sectors; this one is a " + (d.cdrom() ? "CD" : "disk")
                    + " of " + d.sectors());
        }
        Phase phase;
        try {
            phase = Phase.valueOf(r.getString("phase"));
        } catch (IllegalArgumentException e) {
            throw new StateException(DRIVE + ": unknown phase " + r.getString("phase"));
        }
        byte[] buffer = r.getBytes("buffer");
        int pos = r.getInt("pos");
        int chunkEnd = r.getInt("chunkEnd");
        int sectorSize = r.getInt("runSectorSize");
        int perFill = r.getInt("runPerFill");
        long lba = r.getLong("runLba");
        long remaining = r.getLong("runRemaining");
        if (buffer.length > IdeDrive.BUFFER_SIZE || pos < 0 || pos > chunkEnd || chunkEnd > buffer.length) {
            throw new StateException(DRIVE + ": a transfer at " + pos + " of " + chunkEnd + "/" + buffer.length
                    + " bytes does not fit the buffer");
        }
        long mediumSectors = d.image().size() / sectorSize;
        if ((sectorSize != Ata.SECTOR && sectorSize != Ata.CD_SECTOR) || perFill < 1
                || (long) perFill * sectorSize > IdeDrive.BUFFER_SIZE || lba < 0 || remaining < 0
                || lba > mediumSectors || remaining > mediumSectors - lba) {
            throw new StateException(DRIVE + ": saved sectors " + lba + "+" + remaining + " (" + sectorSize
                    + " bytes, " + perFill + " a fill) do not fit the medium");
        }
        int byteLimit = r.getInt("byteLimit");
        if (byteLimit < 2 || byteLimit > 0xFFFE) {
            throw new StateException(DRIVE + ": ATAPI byte count limit " + byteLimit);
        }
        int multiple = r.getInt("multiple");
        if (multiple < 1 || multiple > Ata.MAX_MULTIPLE) {
            throw new StateException(DRIVE + ": READ MULTIPLE block of " + multiple + " sectors");
        }
        d.feature = r.getInt("feature") & 0xFF;
        d.nsector = r.getInt("nsector") & 0xFF;
        d.sector = r.getInt("sector") & 0xFF;
        d.lcyl = r.getInt("lcyl") & 0xFF;
        d.hcyl = r.getInt("hcyl") & 0xFF;
        d.select = r.getInt("select") & 0xFF;
        d.hobFeature = r.getInt("hobFeature") & 0xFF;
        d.hobNsector = r.getInt("hobNsector") & 0xFF;
        d.hobSector = r.getInt("hobSector") & 0xFF;
        d.hobLcyl = r.getInt("hobLcyl") & 0xFF;
        d.hobHcyl = r.getInt("hobHcyl") & 0xFF;
        d.status = r.getInt("status") & 0xFF;
        d.error = r.getInt("error") & 0xFF;
        d.phase = phase;
        System.arraycopy(buffer, 0, d.buffer, 0, buffer.length);
        d.end = buffer.length;
        d.pos = pos;
        d.chunkEnd = chunkEnd;
        d.run = new SectorRun(lba, remaining, perFill, sectorSize);
        d.lba48 = r.getBoolean("lba48");
        d.byteLimit = byteLimit;
        d.packetDma = r.getBoolean("packetDma");
        d.multiple = multiple;
        d.dmaMode = r.getInt("dmaMode") & 0xFF;
        d.senseKey = r.getInt("senseKey") & 0x0F;
        d.asc = r.getInt("asc") & 0xFF;
    }

    static StateRecord save(PiixIde ide) {
        List<StateRecord> channels = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            IdeChannel c = ide.channel(i);
            synchronized (c) {
                channels.add(StateRecord.builder("ide-channel", VERSION).put("unit", c.unit)
                        .put("control", c.control).put("pending", c.pending).put("bmCommand", c.bmCommand)
                        .put("bmStatus", c.bmStatus).put("bmPrd", c.bmPrd & 0xFFFF_FFFFL).build());
            }
        }
        return StateRecord.builder(CONTROLLER, VERSION).put("timing", ide.timing()).put("channels", channels)
                .build();
    }

    static void restore(PiixIde ide, StateRecord r) throws StateException {
        r.require(CONTROLLER, 1, VERSION);
        List<StateRecord> channels = r.getRecords("channels");
        if (channels.size() != 2) {
            throw new StateException(CONTROLLER + ": " + channels.size() + " channels saved, not 2");
        }
        for (StateRecord c : channels) {
            c.require("ide-channel", 1, VERSION);
        }
        ide.restoreTiming(r.getBytes("timing"));
        for (int i = 0; i < 2; i++) {
            StateRecord s = channels.get(i);
            ide.channel(i).restore(s.getInt("unit") & 1, s.getInt("control") & 0xFF, s.getBoolean("pending"),
                    s.getInt("bmCommand") & (IdeChannel.BM_START | IdeChannel.BM_TO_MEMORY),
                    s.getInt("bmStatus") & 0x67, (int) s.getLong("bmPrd") & ~3);
        }
    }
}
