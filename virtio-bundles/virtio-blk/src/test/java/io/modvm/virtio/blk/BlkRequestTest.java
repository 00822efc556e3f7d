package io.modvm.virtio.blk;

import static io.modvm.virtio.blk.BlkRig.DATA;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.virtio.blk.BlkRig.Result;
import io.modvm.virtio.device.VirtioFeatures;
import io.modvm.virtio.queue.HeapGuestMemory;
import io.modvm.virtio.queue.TestDriver.Buf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests end to end: a driver's chains in guest RAM, through the queue handler, to a raw image file and back. */
class BlkRequestTest {
    private static final int DISK = 1 << 20;
    private static final long SECTORS = DISK / 512;

    @TempDir
    Path dir;
    private Path file;
    private byte[] disk;
    private BlkRig rig;

    @BeforeEach
    void setUp() throws Exception {
        disk = new byte[DISK];
        new Random(1).nextBytes(disk);
        file = dir.resolve("disk.raw");
        Files.write(file, disk);
        rig = new BlkRig(new HeapGuestMemory().add(BlkRig.RAM, BlkRig.RAM_SIZE), file, false, "SERIAL-0123", true);
    }

    @AfterEach
    void tearDown() {
        rig.device.close();
    }

    private BlkRig readOnlyRig() throws Exception {
        rig.device.close();
        rig = new BlkRig(new HeapGuestMemory().add(BlkRig.RAM, BlkRig.RAM_SIZE), file, true, "", false);
        return rig;
    }

    private static byte[] ranges(long... triples) {
        ByteBuffer b = ByteBuffer.allocate(triples.length / 3 * 16).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < triples.length; i += 3) {
            b.putLong(triples[i]).putInt((int) triples[i + 1]).putInt((int) triples[i + 2]);
        }
        return b.array();
    }

    @Test
    void readGathersAcrossOddSegments() {
        List<Buf> in = List.of(new Buf(DATA, 100), new Buf(DATA + 1000, 924), new Buf(DATA + 5000, 512));
        Result r = rig.request(VirtioBlk.T_IN, 3, List.of(), in);
        assertEquals(VirtioBlk.S_OK, r.status());
        assertEquals(1536 + 1, r.usedLength());
        byte[] expected = Arrays.copyOfRange(disk, 3 * 512, 3 * 512 + 1536);
        byte[] got = new byte[1536];
        System.arraycopy(rig.guest(DATA, 100), 0, got, 0, 100);
        System.arraycopy(rig.guest(DATA + 1000, 924), 0, got, 100, 924);
        System.arraycopy(rig.guest(DATA + 5000, 512), 0, got, 1024, 512);
        assertArrayEquals(expected, got);
        assertEquals(1, rig.activation.interrupts(0));
    }

    @Test
    void writeReachesTheFileAndFlushSucceeds() throws Exception {
        byte[] data = new byte[4096];
        Arrays.fill(data, (byte) 0x5c);
        rig.memory.write(DATA, data, 0, data.length);
        rig.add(VirtioBlk.T_OUT, SECTORS - 8, List.of(new Buf(DATA, 1000), new Buf(DATA + 1000, 3096)), List.of(),
                true);
        rig.serve();
        Result r = rig.take();
        assertEquals(VirtioBlk.S_OK, r.status());
        assertEquals(1, r.usedLength());
        assertEquals(VirtioBlk.S_OK, rig.request(VirtioBlk.T_FLUSH, 0, List.of(), List.of()).status());
        byte[] onDisk = Files.readAllBytes(file);
        assertArrayEquals(data, Arrays.copyOfRange(onDisk, DISK - 4096, DISK));
        assertArrayEquals(Arrays.copyOf(disk, DISK - 4096), Arrays.copyOf(onDisk, DISK - 4096));
    }

    @Test
    void getIdReturnsTheSerialPaddedOrCut() {
        Result r = rig.request(VirtioBlk.T_GET_ID, 0, List.of(), List.of(new Buf(DATA, 20)));
        assertEquals(VirtioBlk.S_OK, r.status());
        assertEquals(21, r.usedLength());
        byte[] expected = Arrays.copyOf("SERIAL-0123".getBytes(StandardCharsets.US_ASCII), 20);
        assertArrayEquals(expected, rig.guest(DATA, 20));
        r = rig.request(VirtioBlk.T_GET_ID, 0, List.of(), List.of(new Buf(DATA + 100, 6)));
        assertEquals(7, r.usedLength());
        assertArrayEquals("SERIAL".getBytes(StandardCharsets.US_ASCII), rig.guest(DATA + 100, 6));
    }

    @Test
    void writeZeroesZeroesAndDiscardIsAccepted() throws Exception {
        byte[] list = ranges(10, 3, VirtioBlk.RANGE_F_UNMAP, 100, 1, 0);
        rig.memory.write(DATA, list, 0, list.length);
        assertEquals(VirtioBlk.S_OK,
                rig.request(VirtioBlk.T_WRITE_ZEROES, 0, List.of(new Buf(DATA, list.length)), List.of()).status());
        byte[] onDisk = Files.readAllBytes(file);
        Arrays.fill(disk, 10 * 512, 13 * 512, (byte) 0);
        Arrays.fill(disk, 100 * 512, 101 * 512, (byte) 0);
        assertArrayEquals(disk, onDisk);
        byte[] discard = ranges(0, 8, 0);
        rig.memory.write(DATA, discard, 0, discard.length);
        assertEquals(VirtioBlk.S_OK,
                rig.request(VirtioBlk.T_DISCARD, 0, List.of(new Buf(DATA, 16)), List.of()).status());
    }

    @Test
    void badDiscardAndWriteZeroesRequestsFail() {
        // DISCARD must not carry the unmap flag; unknown flags are unsupported for both.
        byte[] unmap = ranges(0, 8, VirtioBlk.RANGE_F_UNMAP);
        rig.memory.write(DATA, unmap, 0, 16);
        assertEquals(VirtioBlk.S_UNSUPP,
                rig.request(VirtioBlk.T_DISCARD, 0, List.of(new Buf(DATA, 16)), List.of()).status());
        byte[] flags = ranges(0, 8, 2);
        rig.memory.write(DATA, flags, 0, 16);
        assertEquals(VirtioBlk.S_UNSUPP,
                rig.request(VirtioBlk.T_WRITE_ZEROES, 0, List.of(new Buf(DATA, 16)), List.of()).status());
        byte[] outside = ranges(SECTORS - 1, 2, 0);
        rig.memory.write(DATA, outside, 0, 16);
        assertEquals(VirtioBlk.S_IOERR,
                rig.request(VirtioBlk.T_WRITE_ZEROES, 0, List.of(new Buf(DATA, 16)), List.of()).status());
        assertEquals(VirtioBlk.S_IOERR,
                rig.request(VirtioBlk.T_DISCARD, 0, List.of(new Buf(DATA, 15)), List.of()).status());
        assertEquals(VirtioBlk.S_IOERR,
                rig.request(VirtioBlk.T_DISCARD, 0, List.of(), List.of()).status());
    }

    @Test
    void unknownTypesAreUnsupported() {
        for (int type : new int[] {2, 10, 14, 99, -1}) {
            Result r = rig.request(type, 0, List.of(), List.of(new Buf(DATA, 512)));
            assertEquals(VirtioBlk.S_UNSUPP, r.status(), "type " + type);
            assertEquals(1, r.usedLength());
        }
    }

    @Test
    void outOfRangeAndPartialSectorsFail() throws Exception {
        assertEquals(VirtioBlk.S_IOERR,
                rig.request(VirtioBlk.T_IN, SECTORS, List.of(), List.of(new Buf(DATA, 512))).status());
        assertEquals(VirtioBlk.S_IOERR,
                rig.request(VirtioBlk.T_IN, SECTORS - 1, List.of(), List.of(new Buf(DATA, 1024))).status());
        assertEquals(VirtioBlk.S_IOERR,
                rig.request(VirtioBlk.T_IN, -1L, List.of(), List.of(new Buf(DATA, 512))).status());
        assertEquals(VirtioBlk.S_IOERR,
                rig.request(VirtioBlk.T_OUT, Long.MAX_VALUE / 256, List.of(new Buf(DATA, 512)), List.of()).status());
        assertEquals(VirtioBlk.S_IOERR,
                rig.request(VirtioBlk.T_IN, 0, List.of(), List.of(new Buf(DATA, 100))).status());
        assertEquals(VirtioBlk.S_OK,
                rig.request(VirtioBlk.T_IN, SECTORS - 1, List.of(), List.of(new Buf(DATA, 512))).status());
        assertArrayEquals(disk, Files.readAllBytes(file));
    }

    @Test
    void readOnlyDriveRefusesWritesAndSaysSo() throws Exception {
        BlkRig ro = readOnlyRig();
        long features = ro.device.deviceFeatures();
        assertTrue((features & VirtioFeatures.bit(VirtioBlk.F_RO)) != 0);
        assertFalse((features & VirtioFeatures.bit(VirtioBlk.F_DISCARD)) != 0);
        assertEquals(VirtioBlk.S_IOERR,
                ro.request(VirtioBlk.T_OUT, 0, List.of(new Buf(DATA, 512)), List.of()).status());
        byte[] list = ranges(0, 1, 0);
        ro.memory.write(DATA, list, 0, 16);
        assertEquals(VirtioBlk.S_IOERR,
                ro.request(VirtioBlk.T_WRITE_ZEROES, 0, List.of(new Buf(DATA, 16)), List.of()).status());
        assertEquals(VirtioBlk.S_OK,
                ro.request(VirtioBlk.T_IN, 0, List.of(), List.of(new Buf(DATA, 512))).status());
        assertEquals(VirtioBlk.S_OK, ro.request(VirtioBlk.T_FLUSH, 0, List.of(), List.of()).status());
        assertArrayEquals(disk, Files.readAllBytes(file));
    }

    @Test
    void malformedRequestsFailAloneAndTheQueueGoesOn() {
        // Header shorter than 16 bytes: status IOERR.
        rig.driver.add(List.of(new Buf(BlkRig.HEADER, 8)), List.of(new Buf(BlkRig.STATUS, 1)));
        rig.memory.writeByte(BlkRig.STATUS, (byte) 0x7f);
        rig.serve();
        assertEquals(VirtioBlk.S_IOERR, rig.take().status());
        // No writable byte at all: nothing to report a status in, so the chain comes back with nothing written.
        rig.header(VirtioBlk.T_IN, 0);
        rig.driver.add(List.of(new Buf(BlkRig.HEADER, 16), new Buf(DATA, 512)), List.of());
        rig.serve();
        assertEquals(0, rig.take().usedLength());
        // Data in the wrong direction.
        assertEquals(VirtioBlk.S_IOERR,
                rig.request(VirtioBlk.T_IN, 0, List.of(new Buf(DATA, 512)), List.of(new Buf(DATA, 512))).status());
        assertEquals(VirtioBlk.S_IOERR,
                rig.request(VirtioBlk.T_OUT, 0, List.of(), List.of(new Buf(DATA, 512))).status());
        // A descriptor whose next pointer leaves the table: the chain fails with nothing written.
        int head = rig.add(VirtioBlk.T_IN, 0, List.of(), List.of(new Buf(DATA, 512)), false);
        rig.driver.writeDescriptor(head, BlkRig.HEADER, 16, 1, 999);
        rig.serve();
        assertEquals(0, rig.take().usedLength());
        assertEquals(VirtioBlk.S_OK,
                rig.request(VirtioBlk.T_IN, 0, List.of(), List.of(new Buf(DATA, 512))).status());
        assertTrue(rig.activation.resetRequests().isEmpty());
        assertArrayEquals(Arrays.copyOf(disk, 512), rig.guest(DATA, 512));
    }

    @Test
    void brokenRingAsksForResetAndStopsServing() {
        rig.driver.setAvailIdx(BlkRig.QUEUE_SIZE + 5);
        rig.serve();
        assertEquals(1, rig.activation.resetRequests().size());
        assertTrue(rig.handler.broken());
        rig.serve();
        assertEquals(1, rig.activation.resetRequests().size());
    }

    @Test
    void configSpaceDescribesTheDisk() {
        BlkDevice d = rig.device;
        assertEquals(SECTORS, d.readConfig(0, 8));
        assertEquals(SECTORS & 0xFFFF_FFFFL, d.readConfig(0, 4));
        assertEquals(VirtioBlk.SEG_MAX, d.readConfig(12, 4));
        assertEquals(512, d.readConfig(20, 4));
        assertEquals(1, d.readConfig(34, 2));
        assertEquals(VirtioBlk.MAX_DISCARD_SECTORS, d.readConfig(36, 4));
        assertEquals(VirtioBlk.MAX_RANGES, d.readConfig(40, 4));
        assertEquals(1, d.readConfig(44, 4));
        assertEquals(VirtioBlk.MAX_DISCARD_SECTORS, d.readConfig(48, 4));
        assertEquals(VirtioBlk.MAX_RANGES, d.readConfig(52, 4));
        assertEquals(1, d.readConfig(56, 1));
        assertEquals(0, d.readConfig(58, 4));
        assertEquals(0, d.readConfig(-1, 1));
        d.writeConfig(0, 8, 12345);
        assertEquals(SECTORS, d.readConfig(0, 8));
        assertEquals(BlkConfigSpace.SIZE, d.configSize());
        assertEquals(2, d.deviceType());
    }
}
