package io.modvm.block.image;

import static io.modvm.testkit.QemuTools.assertContents;
import static io.modvm.testkit.QemuTools.checkClean;
import static io.modvm.testkit.QemuTools.img;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.block.CacheMode;
import io.modvm.block.DiskImage;
import io.modvm.block.InternalSnapshots;
import io.modvm.block.SnapshotInfo;
import io.modvm.testkit.QemuTools;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Internal snapshots made here and judged by qemu-img (snapshot -l/-a/-d, check, convert), and snapshots made by
 * qemu-img listed, applied and deleted here.
 */
class Qcow2SnapshotsTest {
    private static final int MIB = 1 << 20;
    private static final Instant DATE = Instant.ofEpochSecond(1_700_000_000L, 123_456_789);

    @TempDir
    Path dir;

    @BeforeEach
    void tools() {
        QemuTools.require();
    }

    private static byte[] read(DiskImage image) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) image.size());
        image.read(buffer, 0);
        return buffer.array();
    }

    /** Writes random runs (partial and whole clusters) into the image and the model alike. */
    private static void scribble(DiskImage image, byte[] model, Random rnd, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            int length = 1 + rnd.nextInt(rnd.nextBoolean() ? 3000 : 150_000);
            int offset = rnd.nextInt(model.length - length);
            byte[] data = new byte[length];
            rnd.nextBytes(data);
            image.write(ByteBuffer.wrap(data), offset);
            System.arraycopy(data, 0, model, offset, length);
        }
    }

    /** What {@code qemu-img info} says of the snapshots: one "id name vm-state-size" line each. */
    private static List<String> qemuSnapshots(Path path) throws Exception {
        String json = img("info", "--output=json", path.toString());
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\\{[^{}]*\"vm-state-size\"[^{}]*\\}").matcher(json);
        while (m.find()) {
            String o = m.group();
            out.add(field(o, "id") + " " + field(o, "name") + " " + field(o, "vm-state-size"));
        }
        return out;
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\": \"?([^\",\\n]*)").matcher(json);
        assertTrue(m.find(), name + " in " + json);
        return m.group(1).trim();
    }

    @Test
    void snapshotsMadeHereAreListedAppliedAndDeletedByQemuImg() throws Exception {
        Path path = TestQcow2.create(dir, "m.qcow2", "8M");
        Random rnd = new Random(1);
        byte[] first = new byte[8 * MIB];
        byte[] vmState = new byte[200 * 1024 + 17];
        rnd.nextBytes(vmState);
        byte[] second;
        byte[] last;
        try (DiskImage image = TestQcow2.open(path, false)) {
            InternalSnapshots snapshots = image.internalSnapshots();
            assertTrue(snapshots.list().isEmpty());
            scribble(image, first, rnd, 40);
            SnapshotInfo s1 = snapshots.create("s1", 0, DATE, 5_000_000_000L);
            assertEquals(new SnapshotInfo("1", "s1", 0, DATE, 5_000_000_000L, 8 * MIB, -1), s1);
            second = first.clone();
            scribble(image, second, rnd, 40);
            snapshots.writeVmState(ByteBuffer.wrap(vmState), 0);
            snapshots.create("s2", vmState.length, DATE.plusSeconds(60), 7_000_000_000L);
            last = second.clone();
            scribble(image, last, rnd, 40);
            assertArrayEquals(last, read(image));
        }
        checkClean(path);
        assertContents(last, path, dir);
        assertEquals(List.of("1 s1 0", "2 s2 " + vmState.length), qemuSnapshots(path));
        String listing = img("snapshot", "-l", path.toString());
        assertTrue(listing.contains("s1") && listing.contains("s2") && listing.contains("00:00:05.000"), listing);

        img("snapshot", "-a", "s1", path.toString());
        checkClean(path);
        assertContents(first, path, dir);
        img("snapshot", "-a", "2", path.toString());
        checkClean(path);
        assertContents(second, path, dir);
        img("snapshot", "-d", "s2", path.toString());
        checkClean(path);
        assertEquals(List.of("1 s1 0"), qemuSnapshots(path));
        img("snapshot", "-d", "s1", path.toString());
        checkClean(path);
        assertEquals(List.of(), qemuSnapshots(path));
        assertContents(second, path, dir);
    }

    @Test
    void snapshotsMadeByQemuImgAreListedAppliedAndDeletedHere() throws Exception {
        Path path = TestQcow2.create(dir, "q.qcow2", "4M");
        QemuTools.io(path, "qcow2", "write -P 0x11 0 4M");
        img("snapshot", "-c", "q1", path.toString());
        QemuTools.io(path, "qcow2", "write -P 0x22 65536 1M", "write -P 0x23 3000000 5000");
        img("snapshot", "-c", "q2", path.toString());
        QemuTools.io(path, "qcow2", "write -P 0x33 0 100000", "discard 2M 1M");
        byte[] q1 = new byte[4 * MIB];
        Arrays.fill(q1, (byte) 0x11);
        byte[] q2 = q1.clone();
        Arrays.fill(q2, 65536, 65536 + MIB, (byte) 0x22);
        Arrays.fill(q2, 3_000_000, 3_005_000, (byte) 0x23);
        try (DiskImage image = TestQcow2.open(path, false)) {
            InternalSnapshots snapshots = image.internalSnapshots();
            List<SnapshotInfo> list = snapshots.list();
            assertEquals(List.of("1", "2"), list.stream().map(SnapshotInfo::id).toList());
            assertEquals(List.of("q1", "q2"), list.stream().map(SnapshotInfo::name).toList());
            assertEquals(0, list.get(0).vmStateSize());
            assertEquals(4 * MIB, list.get(0).diskSize());
            assertTrue(Math.abs(list.get(0).date().getEpochSecond() - Instant.now().getEpochSecond()) < 600);
            assertEquals("2", snapshots.find("q2").orElseThrow().id());
            assertTrue(snapshots.find("2").isEmpty());
            assertTrue(snapshots.find("q3").isEmpty());
            snapshots.goTo("q1");
            assertArrayEquals(q1, read(image));
            // Writing after the switch must leave q1's clusters alone.
            image.write(ByteBuffer.wrap(new byte[] {9, 9, 9}), 100);
        }
        checkClean(path);
        try (DiskImage image = TestQcow2.open(path, false)) {
            InternalSnapshots snapshots = image.internalSnapshots();
            snapshots.goTo("2");
            assertArrayEquals(q2, read(image));
            snapshots.delete("q1");
            assertEquals(List.of("2 q2 0"), snapshots.list().stream()
                    .map(s -> s.id() + " " + s.name() + " " + s.vmStateSize()).toList());
        }
        checkClean(path);
        img("snapshot", "-a", "q2", path.toString());
        assertContents(q2, path, dir);
        try (DiskImage image = TestQcow2.open(path, false)) {
            image.internalSnapshots().delete("2");
            IOException e = assertThrows(IOException.class, () -> image.internalSnapshots().goTo("q1"));
            assertTrue(e.getMessage().contains("no snapshot"), e.getMessage());
        }
        checkClean(path);
        assertEquals(List.of(), qemuSnapshots(path));
        assertContents(q2, path, dir);
    }

    @ParameterizedTest
    @ValueSource(strings = {"compat=1.1", "compat=0.10", "cluster_size=512", "refcount_bits=8", "refcount_bits=64",
        "cluster_size=2M"})
    void writesAfterASnapshotLeaveItsDataIntact(String option) throws Exception {
        Path path = TestQcow2.create(dir, "c.qcow2", "6M", option);
        Random rnd = new Random(option.hashCode());
        byte[] before = new byte[6 * MIB];
        byte[] after;
        try (DiskImage image = TestQcow2.open(path, false)) {
            scribble(image, before, rnd, 30);
            image.internalSnapshots().create("before", 0, DATE, 0);
            after = before.clone();
            scribble(image, after, rnd, 30);
            image.writeZeroes(65536 * 3, 65536 * 2, true);
            Arrays.fill(after, 65536 * 3, 65536 * 5, (byte) 0);
            image.writeZeroes(1000, 5000, false);
            Arrays.fill(after, 1000, 6000, (byte) 0);
            image.discard(0, 6 * MIB);
            byte[] discarded = read(image);
            // A discard leaves each byte as it was or zero, depending on the format; follow what it did.
            for (int i = 0; i < after.length; i++) {
                assertTrue(discarded[i] == after[i] || discarded[i] == 0, "byte " + i);
            }
            after = discarded;
            scribble(image, after, rnd, 10);
            image.internalSnapshots().create("after", 0, DATE, 0);
            assertArrayEquals(after, read(image));
        }
        checkClean(path);
        assertContents(after, path, dir);
        try (DiskImage image = TestQcow2.open(path, false)) {
            image.internalSnapshots().goTo("before");
            assertArrayEquals(before, read(image));
            scribble(image, new byte[6 * MIB], rnd, 10);
            image.internalSnapshots().goTo("after");
            assertArrayEquals(after, read(image));
            image.internalSnapshots().delete("after");
            assertArrayEquals(after, read(image));
        }
        checkClean(path);
        assertContents(after, path, dir);
        img("snapshot", "-a", "before", path.toString());
        checkClean(path);
        assertContents(before, path, dir);
    }

    @Test
    void compressedClustersSharedWithASnapshot() throws Exception {
        byte[] model = new byte[4 * MIB];
        Path path = TestQcow2.compressed(dir, model, 3);
        Random rnd = new Random(4);
        byte[] changed = model.clone();
        try (DiskImage image = TestQcow2.open(path, false)) {
            image.internalSnapshots().create("z", 0, DATE, 0);
            scribble(image, changed, rnd, 20);
            image.discard(MIB, MIB);
            Arrays.fill(changed, MIB, 2 * MIB, (byte) 0);
            assertArrayEquals(changed, read(image));
        }
        checkClean(path);
        assertContents(changed, path, dir);
        try (DiskImage image = TestQcow2.open(path, false)) {
            image.internalSnapshots().goTo("z");
            assertArrayEquals(model, read(image));
            image.internalSnapshots().delete("z");
        }
        checkClean(path);
        assertContents(model, path, dir);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cluster_size=65536", "cluster_size=512"})
    void vmStateWrittenBeforeCreateIsReadBackAfterGoTo(String option) throws Exception {
        // With 512-byte clusters a 1 MiB disk has 32 L1 entries; the state needs as many again, so the L1 table grows.
        Path path = TestQcow2.create(dir, "v.qcow2", "1M", option);
        Random rnd = new Random(11);
        byte[] disk = new byte[MIB];
        byte[] state = new byte[MIB + 4321];
        rnd.nextBytes(state);
        try (DiskImage image = TestQcow2.open(path, false)) {
            scribble(image, disk, rnd, 10);
            InternalSnapshots snapshots = image.internalSnapshots();
            int half = state.length / 2;
            snapshots.writeVmState(ByteBuffer.wrap(state, 0, half), 0);
            snapshots.writeVmState(ByteBuffer.wrap(state, half, state.length - half), half);
            snapshots.create("vm", state.length, DATE, 42);
            // The running image no longer holds the state: the snapshot does.
            ByteBuffer gone = ByteBuffer.allocate(state.length);
            snapshots.readVmState(gone, 0);
            assertArrayEquals(new byte[state.length], gone.array());
            scribble(image, new byte[MIB], rnd, 10);
        }
        checkClean(path);
        assertEquals(List.of("1 vm " + state.length), qemuSnapshots(path));
        try (DiskImage image = TestQcow2.open(path, false)) {
            InternalSnapshots snapshots = image.internalSnapshots();
            snapshots.goTo("vm");
            assertArrayEquals(disk, read(image));
            ByteBuffer back = ByteBuffer.allocate(state.length);
            snapshots.readVmState(back, 0);
            assertArrayEquals(state, back.array());
            // savevm of the same tag: find it, delete it, write the state, create again.
            byte[] newer = new byte[5000];
            rnd.nextBytes(newer);
            snapshots.delete(snapshots.find("vm").orElseThrow().id());
            snapshots.writeVmState(ByteBuffer.wrap(newer), 0);
            assertEquals("1", snapshots.create("vm", newer.length, DATE, 43).id());
            snapshots.goTo("vm");
            ByteBuffer again = ByteBuffer.allocate(newer.length);
            snapshots.readVmState(again, 0);
            assertArrayEquals(newer, again.array());
        }
        checkClean(path);
        assertEquals(List.of("1 vm 5000"), qemuSnapshots(path));
        assertContents(disk, path, dir);
    }

    @Test
    void snapshotsThroughODirect() throws Exception {
        // cache=none: every 8-byte table entry and refcount goes through the aligned bounce buffer.
        Path path = TestQcow2.create(dir, "d.qcow2", "2M", "cluster_size=4096");
        Random rnd = new Random(21);
        byte[] before = new byte[2 * MIB];
        byte[] state = new byte[30_001];
        rnd.nextBytes(state);
        try (DiskImage image = ImageOpener.open(path, null, false, CacheMode.NONE)) {
            scribble(image, before, rnd, 20);
            InternalSnapshots snapshots = image.internalSnapshots();
            snapshots.writeVmState(ByteBuffer.wrap(state), 0);
            snapshots.create("d", state.length, DATE, 0);
            scribble(image, new byte[2 * MIB], rnd, 20);
            snapshots.goTo("d");
            assertArrayEquals(before, read(image));
            ByteBuffer back = ByteBuffer.allocate(state.length);
            snapshots.readVmState(back, 0);
            assertArrayEquals(state, back.array());
            snapshots.create("e", 0, DATE, 0);
            snapshots.delete("d");
        }
        checkClean(path);
        assertContents(before, path, dir);
    }

    @Test
    void idsAreNumberedAsQemuNumbersThem() throws Exception {
        Path path = TestQcow2.create(dir, "ids.qcow2", "1M");
        img("snapshot", "-c", "a", path.toString());
        img("snapshot", "-c", "b", path.toString());
        try (DiskImage image = TestQcow2.open(path, false)) {
            InternalSnapshots snapshots = image.internalSnapshots();
            snapshots.delete("1");
            assertEquals("3", snapshots.create("c", 0, DATE, 0).id());
            // savevm, loadvm and delvm find a tag by name only (QEMU 7.2): "2" is not snapshot 2 until one is so named.
            assertTrue(snapshots.find("2").isEmpty());
            assertEquals("4", snapshots.create("2", 0, DATE, 0).id());
            assertEquals("4", snapshots.find("2").orElseThrow().id());
            // A name may repeat: find gives the first.
            assertEquals("5", snapshots.create("c", 0, DATE, 0).id());
            assertEquals("3", snapshots.find("c").orElseThrow().id());
            // goTo and delete take an id first, then a name, as QEMU's qcow2 driver and qemu-img snapshot -a do.
            snapshots.delete("5");
            snapshots.delete("2");
            assertEquals(List.of("3", "4"), snapshots.list().stream().map(SnapshotInfo::id).toList());
            // No id 2 any more: now "2" is the name of snapshot 4.
            snapshots.delete("2");
            assertEquals(List.of("3"), snapshots.list().stream().map(SnapshotInfo::id).toList());
            assertThrows(IOException.class, () -> snapshots.create("x".repeat(256), 0, DATE, 0));
        }
        checkClean(path);
    }

    @Test
    void readOnlyImagesListButDoNotChange() throws Exception {
        Path path = TestQcow2.create(dir, "ro.qcow2", "1M");
        QemuTools.io(path, "qcow2", "write -P 0x77 0 4096");
        img("snapshot", "-c", "s1", path.toString());
        try (DiskImage image = TestQcow2.open(path, true)) {
            assertEquals((byte) 0x77, read(image)[4095]);
            assertThrows(IOException.class, () -> image.write(ByteBuffer.wrap(new byte[1]), 0));
            InternalSnapshots snapshots = image.internalSnapshots();
            assertEquals("s1", snapshots.list().get(0).name());
            assertThrows(IOException.class, () -> snapshots.create("s2", 0, DATE, 0));
            assertThrows(IOException.class, () -> snapshots.goTo("s1"));
            assertThrows(IOException.class, () -> snapshots.delete("s1"));
            assertThrows(IOException.class, () -> snapshots.writeVmState(ByteBuffer.allocate(1), 0));
        }
        Path raw = dir.resolve("r.raw");
        img("create", "-f", "raw", raw.toString(), "1M");
        try (DiskImage image = TestQcow2.open(raw, false)) {
            assertNull(image.internalSnapshots());
        }
        checkClean(path);
    }

    @Test
    void snapshotsWhileAnotherThreadWrites() throws Exception {
        Path path = TestQcow2.create(dir, "t.qcow2", "4M");
        try (DiskImage image = TestQcow2.open(path, false)) {
            List<Throwable> failures = new ArrayList<>();
            Thread writer = new Thread(() -> {
                Random rnd = new Random(9);
                byte[] data = new byte[70_000];
                try {
                    for (int i = 0; i < 400; i++) {
                        rnd.nextBytes(data);
                        image.write(ByteBuffer.wrap(data), rnd.nextInt(4 * MIB - data.length));
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            });
            writer.start();
            InternalSnapshots snapshots = image.internalSnapshots();
            for (int i = 0; i < 10; i++) {
                snapshots.create("t" + i, 0, DATE, i);
                if (i % 3 == 2) {
                    snapshots.delete("t" + (i - 1));
                }
            }
            writer.join();
            assertEquals(List.of(), failures);
            assertNotNull(snapshots.find("t9").orElse(null));
            assertFalse(snapshots.find("t1").isPresent());
        }
        checkClean(path);
    }
}
