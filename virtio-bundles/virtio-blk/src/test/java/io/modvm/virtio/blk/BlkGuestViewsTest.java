package io.modvm.virtio.blk;

import static io.modvm.virtio.blk.BlkRig.DATA;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.virtio.blk.BlkRig.Result;
import io.modvm.virtio.device.GuestErrorLog;
import io.modvm.virtio.queue.ChainReader;
import io.modvm.virtio.queue.ChainWriter;
import io.modvm.virtio.queue.DescriptorChain;
import io.modvm.virtio.queue.HeapGuestMemory;
import io.modvm.virtio.queue.Segment;
import io.modvm.virtio.queue.TestDriver.Buf;
import io.modvm.virtio.queue.VirtqueueError;
import io.modvm.virtio.queue.VirtqueueException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data moves between the image and views of guest RAM in native memory, as the core's memfd mapping gives them:
 * several guest buffers in one host call, a fallback copy where RAM can give no view, and every guest range still
 * checked against RAM.
 */
class BlkGuestViewsTest {
    private static final int DISK = 1 << 20;
    private static final long RAM_END = BlkRig.RAM + BlkRig.RAM_SIZE;

    @TempDir
    Path dir;
    private Path file;
    private byte[] disk;
    private BlkRig rig;

    private BlkRig rig(HeapGuestMemory memory) throws Exception {
        disk = new byte[DISK];
        new Random(2).nextBytes(disk);
        file = dir.resolve("disk.raw");
        Files.write(file, disk);
        rig = new BlkRig(memory, file, false, "", true);
        return rig;
    }

    private static HeapGuestMemory nativeRam() {
        return new HeapGuestMemory().addDirect(BlkRig.RAM, BlkRig.RAM_SIZE);
    }

    @AfterEach
    void tearDown() {
        if (rig != null) {
            rig.device.close();
        }
    }

    /** The guest bytes of {@code bufs}, one after the other. */
    private byte[] gathered(List<Buf> bufs) {
        byte[] all = new byte[bufs.stream().mapToInt(Buf::length).sum()];
        int at = 0;
        for (Buf b : bufs) {
            System.arraycopy(rig.guest(b.address(), b.length()), 0, all, at, b.length());
            at += b.length();
        }
        return all;
    }

    private void scatter(List<Buf> bufs, byte[] data) {
        int at = 0;
        for (Buf b : bufs) {
            rig.memory.write(b.address(), data, at, b.length());
            at += b.length();
        }
    }

    @Test
    void scatteredGuestPagesReadAndWriteInOneGo() throws Exception {
        rig(nativeRam());
        // Page-sized buffers out of order in RAM, as a guest's page cache hands them over, and two odd ones.
        List<Buf> bufs = List.of(new Buf(DATA + 0x5000, 4096), new Buf(DATA + 0x1000, 4096),
                new Buf(DATA + 0x9003, 700), new Buf(DATA + 0x3000, 3396), new Buf(DATA + 0x20000, 65536));
        byte[] data = new byte[77824];
        new Random(3).nextBytes(data);
        scatter(bufs, data);
        Result w = rig.request(VirtioBlk.T_OUT, 40, bufs, List.of());
        assertEquals(VirtioBlk.S_OK, w.status());
        assertEquals(1, w.usedLength());
        System.arraycopy(data, 0, disk, 40 * 512, data.length);
        assertArrayEquals(disk, Files.readAllBytes(file));

        rig.memory.fill(DATA, 0x40000, (byte) 0);
        Result r = rig.request(VirtioBlk.T_IN, 40, List.of(), bufs);
        assertEquals(VirtioBlk.S_OK, r.status());
        assertEquals(data.length + 1, r.usedLength());
        assertArrayEquals(data, gathered(bufs));
    }

    @Test
    void buffersGuestRamCannotViewAreCopied() throws Exception {
        // A host mapping ends inside both data buffers: those go through the bounded copy, with the same result.
        rig(nativeRam().mappingEdge(DATA + 0x800).mappingEdge(DATA + 0x10800));
        List<Buf> out = List.of(new Buf(DATA, 4096), new Buf(DATA + 0x4000, 512));
        byte[] data = new byte[4608];
        new Random(4).nextBytes(data);
        scatter(out, data);
        assertEquals(VirtioBlk.S_OK, rig.request(VirtioBlk.T_OUT, 7, out, List.of()).status());
        System.arraycopy(data, 0, disk, 7 * 512, data.length);
        assertArrayEquals(disk, Files.readAllBytes(file));
        List<Buf> in = List.of(new Buf(DATA + 0x10000, 8192));
        Result r = rig.request(VirtioBlk.T_IN, 3, List.of(), in);
        assertEquals(VirtioBlk.S_OK, r.status());
        assertEquals(8193, r.usedLength());
        assertArrayEquals(Arrays.copyOfRange(disk, 3 * 512, 3 * 512 + 8192), gathered(in));
    }

    @Test
    void dataStraddlingTheEndOfRamMovesNothing() throws Exception {
        rig(nativeRam());
        List<Buf> straddling = List.of(new Buf(RAM_END - 1024, 2048));
        rig.memory.fill(RAM_END - 1024, 1024, (byte) 0x33);
        Result w = rig.request(VirtioBlk.T_OUT, 0, straddling, List.of());
        assertEquals(0, w.usedLength());
        Result r = rig.request(VirtioBlk.T_IN, 0, List.of(), straddling);
        assertEquals(0, r.usedLength());
        byte[] untouched = new byte[1024];
        Arrays.fill(untouched, (byte) 0x33);
        assertArrayEquals(untouched, rig.guest(RAM_END - 1024, 1024));
        assertArrayEquals(disk, Files.readAllBytes(file));
        assertEquals(VirtioBlk.S_OK,
                rig.request(VirtioBlk.T_IN, 0, List.of(), List.of(new Buf(DATA, 512))).status());
        assertArrayEquals(Arrays.copyOf(disk, 512), rig.guest(DATA, 512));
    }

    @Test
    void rangesThatLeftRamUnderALiveChainFailTheRequestAlone() throws Exception {
        rig(nativeRam());
        // Popping checks every range; this chain skips that, as if RAM had changed since, and must still not reach
        // a view: the request fails in chain scope (IOERR for the driver), the disk is untouched.
        BlkRequestExecutor executor = new BlkRequestExecutor(rig.image, false, new byte[0],
                new GuestErrorLog("test"));
        List<Segment> data = List.of(new Segment(DATA, 512), new Segment(RAM_END - 512, 1024));
        DescriptorChain out = new DescriptorChain(0, data, List.of(new Segment(BlkRig.STATUS, 1)), 1536, 1);
        VirtqueueException e = assertThrows(VirtqueueException.class, () -> executor.execute(
                new BlkRequest(VirtioBlk.T_OUT, 0, 1536, 0), new ChainReader(rig.memory, out),
                new ChainWriter(rig.memory, out)));
        assertEquals(VirtqueueError.CHAIN_FAULT, e.error());
        assertTrue(e.queueUsable());
        DescriptorChain in = new DescriptorChain(0, List.of(), List.of(new Segment(DATA, 512),
                new Segment(RAM_END - 512, 1025)), 0, 1537);
        e = assertThrows(VirtqueueException.class, () -> executor.execute(
                new BlkRequest(VirtioBlk.T_IN, 0, 0, 1536), new ChainReader(rig.memory, in),
                new ChainWriter(rig.memory, in)));
        assertEquals(VirtqueueError.CHAIN_FAULT, e.error());
        assertArrayEquals(disk, Files.readAllBytes(file));
    }
}
