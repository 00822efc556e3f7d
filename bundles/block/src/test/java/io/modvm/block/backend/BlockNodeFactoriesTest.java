package io.modvm.block.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.backend.Backend;
import io.modvm.api.backend.BackendContext;
import io.modvm.api.backend.BackendFactory;
import io.modvm.api.device.DeviceException;
import io.modvm.block.BlockNode;
import io.modvm.block.CacheMode;
import io.modvm.block.WriteLog;
import io.modvm.testkit.QemuTools;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The block node types as libvirt and -drive use them, on real files. */
class BlockNodeFactoriesTest {
    @TempDir
    Path dir;

    /** The nodes opened so far, by id, as the machine's backend manager would hold them. */
    private final Map<String, Backend> nodes = new HashMap<>();

    private BlockNode open(BackendFactory factory, String id, Map<String, String> options) throws DeviceException {
        Backend b = factory.open(new BackendContext() {
            @Override
            public String backendId() {
                return id;
            }

            @Override
            public <B> B backend(String kind, String childId, Class<B> type) throws DeviceException {
                Backend child = nodes.get(childId);
                if (child == null) {
                    throw new DeviceException("no node " + childId);
                }
                return type.cast(child);
            }

            @Override
            public void requestQuit() {
            }
        }, options);
        nodes.put(id, b);
        return (BlockNode) b;
    }

    private Path image(String name, String text, int size) throws Exception {
        byte[] bytes = new byte[size];
        byte[] t = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(t, 0, bytes, 0, t.length);
        return Files.write(dir.resolve(name), bytes);
    }

    private static String head(BlockNode node, int n) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(n);
        node.image().read(b, 0);
        return new String(b.array(), StandardCharsets.US_ASCII);
    }

    @Test
    void aFileNodeIsARawDiskAndARawNodeOnItReadsTheSameBytes() throws Exception {
        Path disk = image("a.img", "hello", 4096);
        BlockNode file = open(new FileNodeFactory(), "f0", Map.of("filename", disk.toString(),
                "auto-read-only", "true", "discard", "unmap"));
        assertEquals("hello", head(file, 5));
        assertEquals(CacheMode.WRITEBACK, file.cache());
        BlockNode raw = open(new RawNodeFactory(), "r0", Map.of("file", "f0", "read-only", "off"));
        assertEquals("hello", head(raw, 5));
        assertEquals(4096, raw.image().size());
        raw.close();
        assertEquals("hello", head(file, 5), "closing the format node leaves its file node open");
        file.close();
    }

    @Test
    void qcow2OnAFileNodeAsLibvirtOpensIt() throws Exception {
        QemuTools.require();
        Path base = image("base.raw", "from the base", 1 << 20);
        Path top = dir.resolve("top.qcow2");
        QemuTools.img("create", "-f", "qcow2", "-b", base.toString(), "-F", "raw", top.toString(), "1M");
        open(new FileNodeFactory(), "libvirt-1-storage", Map.of("filename", top.toString()));
        BlockNode withBacking = open(new Qcow2NodeFactory(), "libvirt-1-format", Map.of("file",
                "libvirt-1-storage", "read-only", "off"));
        assertEquals("from the base", head(withBacking, 13));
        withBacking.close();
        BlockNode withoutBacking = open(new Qcow2NodeFactory(), "fmt2", Map.of("file", "libvirt-1-storage",
                "backing", "null"));
        assertNull(withoutBacking.image().backing());
        assertEquals("\0\0\0", head(withoutBacking, 3), "backing=null: unallocated clusters read as zeroes");
    }

    /** A write log sees every write, zeroing and discard through the node, chunk by chunk, and stops when closed. */
    @Test
    void aWriteLogMarksTheChunksWritesTouch() throws Exception {
        Path disk = image("w.img", "", 1 << 20);
        BlockNode raw = open(new RawNodeFactory(), "w0", Map.of("file.driver", "file", "file.filename",
                disk.toString()));
        raw.image().write(ByteBuffer.allocate(10), 0);
        try (WriteLog log = raw.trackWrites(64 << 10)) {
            assertThrows(IllegalStateException.class, () -> raw.trackWrites(64 << 10));
            assertEquals(0L, log.fetch()[0], "a write before the log started is not in it");
            raw.image().write(ByteBuffer.allocate(2), (64 << 10) - 1);
            raw.image().writeZeroes(5L << 16, 1, false);
            raw.image().discard(15L << 16, 4096);
            assertEquals(0b1000_0000_0010_0011L, log.fetch()[0]);
            assertEquals(0L, log.fetch()[0], "a fetch clears");
        }
        raw.image().write(ByteBuffer.allocate(10), 0);
        try (WriteLog log = raw.trackWrites(1 << 20)) {
            assertEquals(0L, log.fetch()[0], "the closed log's writes do not carry over");
        }
        raw.close();
    }

    @Test
    void aFormatNodeMayNameItsFileInline() throws Exception {
        Path disk = image("b.img", "inline", 4096);
        BlockNode raw = open(new RawNodeFactory(), "r1", Map.of("file.driver", "file", "file.filename",
                disk.toString(), "file.cache.direct", "off"));
        assertEquals("inline", head(raw, 6));
        raw.close();
    }

    @Test
    void aLegacyDriveProbesItsFormat() throws Exception {
        QemuTools.require();
        Path q = dir.resolve("c.qcow2");
        QemuTools.img("create", "-f", "qcow2", q.toString(), "2M");
        BlockNode drive = open(new DriveNodeFactory(), "d0", Map.of("file", q.toString(), "cache", "none"));
        assertEquals("qcow2", drive.image().format());
        assertEquals(CacheMode.NONE, drive.cache());
        assertEquals(2 << 20, drive.image().size());
        drive.close();
    }

    @Test
    void readOnlyIsKeptAndAskedFor() throws Exception {
        Path disk = image("d.img", "ro", 4096);
        BlockNode file = open(new FileNodeFactory(), "f1", Map.of("filename", disk.toString(), "read-only", "on"));
        assertTrue(file.image().readOnly());
        DeviceException writable = assertThrows(DeviceException.class,
                () -> open(new RawNodeFactory(), "r2", Map.of("file", "f1")));
        assertEquals("raw: the file under it is read-only; give read-only=on", writable.getMessage());
        assertTrue(open(new RawNodeFactory(), "r3", Map.of("file", "f1", "read-only", "on")).image().readOnly());
        BlockNode rw = open(new DriveNodeFactory(), "d1", Map.of("file", disk.toString()));
        assertFalse(rw.image().readOnly());
    }

    @Test
    void aReadOnlyFileOpenedWritableIsRefused() throws Exception {
        Path file = Files.write(dir.resolve("ro.img"), new byte[4096]);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
        // Mode bits do not bind root (CI runs as root); the immutable attribute does, so the check is real there too.
        boolean immutable = Files.isWritable(file);
        if (immutable) {
            chattr("+i", file);
            assertFalse(Files.isWritable(file), "chattr +i should make " + file + " read-only for root too");
        }
        try {
            DeviceException e = assertThrows(DeviceException.class,
                    () -> open(new DriveNodeFactory(), "d0", Map.of("file", file.toString())));
            assertTrue(e.getMessage().contains("is read-only; use readonly=on"), e.getMessage());
            open(new DriveNodeFactory(), "d1", Map.of("file", file.toString(), "readonly", "on")).close();
        } finally {
            if (immutable) {
                chattr("-i", file);
            }
        }
    }

    /** Runs chattr(1) on {@code file}; it must succeed, or the read-only check above would prove nothing. */
    private static void chattr(String change, Path file) throws Exception {
        Process p = new ProcessBuilder("chattr", change, file.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "chattr " + change + " " + file + " (needs a file system with file "
                + "attributes, such as ext4, and CAP_LINUX_IMMUTABLE): " + output);
    }

    @Test
    void aFormatThatDoesNotMatchIsNamed() throws Exception {
        Path file = Files.write(dir.resolve("plain.img"), new byte[4096]);
        DeviceException e = assertThrows(DeviceException.class,
                () -> open(new DriveNodeFactory(), "d0", Map.of("file", file.toString(), "format", "qcow2")));
        assertTrue(e.getMessage().contains("is not a qcow2 image (bad magic); use format=raw"), e.getMessage());
    }

    @Test
    void badOptionsAreOneLineErrorsThatSayWhatToGive() {
        assertEquals("file: unknown option 'size'; accepted: aio, auto-read-only, cache.direct, cache.no-flush, "
                + "detect-zeroes, discard, filename, locking, read-only",
                assertThrows(DeviceException.class, () -> open(new FileNodeFactory(), "x", Map.of("filename",
                        "/x", "size", "1"))).getMessage());
        assertEquals("qcow2: option 'file' is required, e.g. file=NODE (a file node's node-name) or "
                + "file.filename=PATH", assertThrows(DeviceException.class,
                        () -> open(new Qcow2NodeFactory(), "y", Map.of())).getMessage());
        assertEquals("drive z: option 'format' does not take 'vmdk'; use one of raw, qcow2",
                assertThrows(DeviceException.class, () -> open(new DriveNodeFactory(), "z", Map.of("file", "/x",
                        "format", "vmdk"))).getMessage());
        DeviceException missing = assertThrows(DeviceException.class,
                () -> open(new DriveNodeFactory(), "m", Map.of("file", dir.resolve("nope.img").toString())));
        assertTrue(missing.getMessage().contains("no such file; create it with qemu-img create"),
                missing.getMessage());
    }
}
