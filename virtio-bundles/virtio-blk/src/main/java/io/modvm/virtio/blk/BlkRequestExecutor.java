package io.modvm.virtio.blk;

import io.modvm.block.DiskImage;
import io.modvm.virtio.device.GuestErrorLog;
import io.modvm.virtio.queue.ChainReader;
import io.modvm.virtio.queue.ChainWriter;
import io.modvm.virtio.queue.VirtqueueException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Carries out parsed requests against the image. Every sector, count and length comes from the guest, so each is
 * checked (unsigned, overflow-safe) before the image sees it. Data moves between the image and views of the guest's
 * buffers, so a raw image's bytes go between the file and guest RAM in one host call with no copy in Java; where
 * guest memory can give no view, it is copied through one bounded buffer instead, never in one piece, so a 4 GiB
 * request costs no 4 GiB allocation. Runs on the queue thread only; the views live for one request.
 */
final class BlkRequestExecutor {
    private static final int CHUNK = 256 * 1024;

    private final DiskImage image;
    private final boolean readOnly;
    private final long capacitySectors;
    private final byte[] id;
    private final GuestErrorLog log;
    private final byte[] buffer = new byte[CHUNK];

    BlkRequestExecutor(DiskImage image, boolean readOnly, byte[] id, GuestErrorLog log) {
        this.image = image;
        this.readOnly = readOnly;
        this.capacitySectors = image.size() / VirtioBlk.SECTOR;
        this.id = id;
        this.log = log;
    }

    Completion execute(BlkRequest request, ChainReader reader, ChainWriter writer) throws VirtqueueException {
        try {
            return switch (request.type()) {
                case VirtioBlk.T_IN -> read(request, writer);
                case VirtioBlk.T_OUT -> write(request, reader);
                case VirtioBlk.T_FLUSH -> flush();
                case VirtioBlk.T_GET_ID -> getId(request, writer);
                case VirtioBlk.T_DISCARD, VirtioBlk.T_WRITE_ZEROES -> ranges(request, reader);
                default -> unsupported(request);
            };
        } catch (IOException e) {
            log.reportHost("host I/O error", e.getMessage());
            return Completion.IOERR;
        }
    }

    private Completion read(BlkRequest request, ChainWriter writer) throws IOException, VirtqueueException {
        long length = request.writableData();
        if (request.readableData() != 0) {
            return malformed("IN request with device-readable data", request);
        }
        if (!checkRange(request, length)) {
            return Completion.IOERR;
        }
        long offset = request.sector() * VirtioBlk.SECTOR;
        ByteBuffer[] views = writer.views(length);
        if (views != null) {
            image.read(views, offset);
            return new Completion(VirtioBlk.S_OK, length);
        }
        long done = 0;
        while (done < length) {
            int n = (int) Math.min(CHUNK, length - done);
            image.read(ByteBuffer.wrap(buffer, 0, n), offset + done);
            writer.write(buffer, 0, n);
            done += n;
        }
        return new Completion(VirtioBlk.S_OK, length);
    }

    private Completion write(BlkRequest request, ChainReader reader) throws IOException, VirtqueueException {
        long length = request.readableData();
        if (request.writableData() != 0) {
            return malformed("OUT request with device-writable data", request);
        }
        if (readOnly) {
            log.report("write to a read-only drive", "request type " + request.type());
            return Completion.IOERR;
        }
        if (!checkRange(request, length)) {
            return Completion.IOERR;
        }
        long offset = request.sector() * VirtioBlk.SECTOR;
        ByteBuffer[] views = reader.views(length);
        if (views != null) {
            image.write(views, offset);
            return Completion.OK;
        }
        long done = 0;
        while (done < length) {
            int n = (int) Math.min(CHUNK, length - done);
            if (reader.read(buffer, 0, n) != n) {
                return malformed("OUT request shorter than it claims", request);
            }
            image.write(ByteBuffer.wrap(buffer, 0, n), offset + done);
            done += n;
        }
        return Completion.OK;
    }

    private Completion flush() throws IOException {
        image.flush();
        return Completion.OK;
    }

    /** GET_ID: the serial, NUL-padded to 20 bytes, cut to what the driver's buffer holds (as QEMU does). */
    private Completion getId(BlkRequest request, ChainWriter writer) throws VirtqueueException {
        int n = (int) Math.min(VirtioBlk.ID_BYTES, request.writableData());
        byte[] out = new byte[n];
        System.arraycopy(id, 0, out, 0, Math.min(id.length, n));
        return new Completion(VirtioBlk.S_OK, writer.write(out, 0, n));
    }

    /** DISCARD and WRITE_ZEROES: a list of {sector, count, flags} ranges after the header. */
    private Completion ranges(BlkRequest request, ChainReader reader) throws IOException, VirtqueueException {
        boolean zeroes = request.type() == VirtioBlk.T_WRITE_ZEROES;
        long length = request.readableData();
        if (length == 0 || length % VirtioBlk.RANGE_BYTES != 0
                || length / VirtioBlk.RANGE_BYTES > VirtioBlk.MAX_RANGES) {
            return malformed("discard/write-zeroes data of " + length + " bytes", request);
        }
        if (readOnly) {
            log.report("write to a read-only drive", "request type " + request.type());
            return Completion.IOERR;
        }
        int count = (int) (length / VirtioBlk.RANGE_BYTES);
        byte[] raw = new byte[(int) length];
        reader.readFully(raw);
        ByteBuffer ranges = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        // Check every range before acting on any, so a bad one does not leave the request half done.
        for (int i = 0; i < count; i++) {
            long sector = ranges.getLong(i * VirtioBlk.RANGE_BYTES);
            long sectors = Integer.toUnsignedLong(ranges.getInt(i * VirtioBlk.RANGE_BYTES + 8));
            int flags = ranges.getInt(i * VirtioBlk.RANGE_BYTES + 12);
            int allowed = zeroes ? VirtioBlk.RANGE_F_UNMAP : 0;
            if ((flags & ~allowed) != 0) {
                log.report("unsupported discard/write-zeroes flags", "flags 0x" + Integer.toHexString(flags));
                return Completion.UNSUPP;
            }
            if (sectors > VirtioBlk.MAX_DISCARD_SECTORS || !inRange(sector, sectors)) {
                log.report("discard/write-zeroes range outside the disk or too large",
                        "sector " + Long.toUnsignedString(sector) + ", " + sectors + " sectors");
                return Completion.IOERR;
            }
        }
        for (int i = 0; i < count; i++) {
            long offset = ranges.getLong(i * VirtioBlk.RANGE_BYTES) * VirtioBlk.SECTOR;
            long bytes = Integer.toUnsignedLong(ranges.getInt(i * VirtioBlk.RANGE_BYTES + 8)) * VirtioBlk.SECTOR;
            boolean unmap = (ranges.getInt(i * VirtioBlk.RANGE_BYTES + 12) & VirtioBlk.RANGE_F_UNMAP) != 0;
            if (zeroes) {
                image.writeZeroes(offset, bytes, unmap);
            } else {
                image.discard(offset, bytes);
            }
        }
        return Completion.OK;
    }

    private Completion unsupported(BlkRequest request) {
        log.report("unsupported request type", Integer.toUnsignedString(request.type()));
        return Completion.UNSUPP;
    }

    private Completion malformed(String what, BlkRequest request) {
        log.report("malformed request", what + " (type " + request.type() + ")");
        return Completion.IOERR;
    }

    /** The data length is whole sectors and the sectors lie on the disk. */
    private boolean checkRange(BlkRequest request, long length) {
        if (length % VirtioBlk.SECTOR != 0) {
            log.report("request length not a multiple of 512", length + " bytes");
            return false;
        }
        if (!inRange(request.sector(), length / VirtioBlk.SECTOR)) {
            log.report("request outside the disk", "sector " + Long.toUnsignedString(request.sector()) + ", "
                    + length / VirtioBlk.SECTOR + " sectors, disk has " + capacitySectors);
            return false;
        }
        return true;
    }

    /** {@code [sector, sector + sectors)} lies within the disk; {@code sector} is unsigned. */
    private boolean inRange(long sector, long sectors) {
        return Long.compareUnsigned(sector, capacitySectors) <= 0 && sectors <= capacitySectors - sector;
    }
}
