package io.modvm.virtio.blk;

import io.modvm.api.memory.GuestMemory;
import io.modvm.block.CacheMode;
import io.modvm.block.DiskImage;
import io.modvm.block.DiskImages;
import io.modvm.virtio.device.GuestErrorLog;
import io.modvm.virtio.device.VirtioFeatures;
import io.modvm.virtio.queue.SplitVirtqueue;
import io.modvm.virtio.queue.TestDriver.Buf;
import io.modvm.virtio.queue.TestDriver;
import io.modvm.virtio.queue.VirtqueueException;
import io.modvm.virtio.testing.FakeActivation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A virtio-blk device on a raw image, driven by {@link TestDriver} through guest RAM: a request is a header buffer,
 * data buffers and a status byte, as Linux's virtio_blk lays them out; {@link #serve()} runs the queue handler once,
 * as the queue thread would after a kick.
 */
final class BlkRig {
    static final long RAM = 0x10_0000;
    static final int RAM_SIZE = 4 << 20;
    static final long RINGS = RAM;
    static final long INDIRECT = RAM + 0x1_0000;
    static final long HEADER = RAM + 0x10_0000;
    static final long STATUS = RAM + 0x10_1000;
    static final long DATA = RAM + 0x20_0000;
    static final int QUEUE_SIZE = 16;

    final GuestMemory memory;
    final DiskImage image;
    final BlkDevice device;
    final TestDriver driver;
    final FakeActivation activation;
    final BlkQueue handler;

    /** Completion of one request: the used length and the status byte. */
    record Result(long usedLength, int status) {
    }

    BlkRig(GuestMemory memory, Path file, boolean readOnly, String serial, boolean eventIdx) throws IOException {
        this.memory = memory;
        this.image = DiskImages.open(file, null, readOnly, CacheMode.WRITEBACK);
        this.device = new BlkDevice(new Drive("d0", "vd0", "#block001", image, CacheMode.WRITEBACK, serial),
                () -> { });
        this.driver = new TestDriver(memory, RINGS, QUEUE_SIZE, eventIdx, true, INDIRECT);
        long features = device.deviceFeatures() | VirtioFeatures.bit(VirtioFeatures.VERSION_1);
        if (!eventIdx) {
            features &= ~VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX);
        }
        SplitVirtqueue queue;
        try {
            queue = SplitVirtqueue.create(memory, driver.config());
        } catch (VirtqueueException e) {
            throw new IllegalStateException(e);
        }
        this.activation = new FakeActivation(memory, features, queue);
        GuestErrorLog log = new GuestErrorLog("test");
        byte[] id = serial.getBytes(StandardCharsets.UTF_8);
        this.handler = new BlkQueue(activation, new BlkRequestExecutor(image, readOnly, id, log), log);
    }

    /** Writes a request header into guest RAM at {@link #HEADER}. */
    void header(int type, long sector) {
        ByteBuffer h = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(0, type).putLong(8, sector);
        memory.write(HEADER, h.array(), 0, 16);
    }

    /** Adds a request: header, {@code out} readable data, {@code in} writable data, then the status byte. */
    int add(int type, long sector, List<Buf> out, List<Buf> in, boolean indirect) {
        header(type, sector);
        memory.writeByte(STATUS, (byte) 0x7f);
        List<Buf> readable = new ArrayList<>(List.of(new Buf(HEADER, 16)));
        readable.addAll(out);
        List<Buf> writable = new ArrayList<>(in);
        writable.add(new Buf(STATUS, 1));
        return indirect ? driver.addIndirect(readable, writable) : driver.add(readable, writable);
    }

    void serve() {
        handler.run();
    }

    Result take() {
        Optional<TestDriver.Used> used = driver.getBuf();
        if (used.isEmpty()) {
            throw new AssertionError("the device returned nothing");
        }
        return new Result(used.get().length(), Byte.toUnsignedInt(memory.readByte(STATUS)));
    }

    /** Adds one request, serves it and returns its completion. */
    Result request(int type, long sector, List<Buf> out, List<Buf> in) {
        add(type, sector, out, in, false);
        serve();
        return take();
    }

    byte[] guest(long address, int length) {
        byte[] b = new byte[length];
        memory.read(address, b, 0, length);
        return b;
    }
}
