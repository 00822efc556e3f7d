package io.modvm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameworkStorageTest {
    @TempDir
    Path dir;
    private Path cache;
    private Path assembly;
    private List<BundlePlan.Entry> plan;

    @BeforeEach
    void assembly() throws IOException {
        cache = dir.resolve("cache");
        assembly = Files.createDirectories(dir.resolve("assembly"));
        Path jar = Files.write(Files.createDirectories(assembly.resolve("bundle")).resolve("a.jar"), new byte[] {1});
        plan = List.of(new BundlePlan.Entry(jar, "a", false, 5));
    }

    @Test
    void aSlotIsReusedOnceAStartCompletedWithTheSameBundles() throws IOException {
        FrameworkStorage first = FrameworkStorage.acquire(cache, assembly, plan, List.of());
        assertFalse(first.temporary());
        assertTrue(first.needsClean(), "a new slot starts empty");
        first.markComplete();
        first.release();
        FrameworkStorage second = FrameworkStorage.acquire(cache, assembly, plan, List.of());
        assertEquals(first.folder(), second.folder());
        assertFalse(second.needsClean());
        second.release();
    }

    @Test
    void aStartThatDidNotCompleteLeavesASlotToClean() throws IOException {
        FrameworkStorage first = FrameworkStorage.acquire(cache, assembly, plan, List.of());
        first.release();
        FrameworkStorage second = FrameworkStorage.acquire(cache, assembly, plan, List.of());
        assertTrue(second.needsClean());
        second.release();
    }

    @Test
    void aChangedJarOrABundleChangedWhileRunningMakesTheNextStartClean() throws IOException {
        FrameworkStorage s = FrameworkStorage.acquire(cache, assembly, plan, List.of());
        s.markComplete();
        s.release();
        Files.setLastModifiedTime(plan.get(0).jar(), FileTime.fromMillis(1_000_000));
        s = FrameworkStorage.acquire(cache, assembly, plan, List.of());
        assertTrue(s.needsClean(), "the jar changed");
        s.markComplete();
        s.markChanged();
        s.release();
        s = FrameworkStorage.acquire(cache, assembly, plan, List.of());
        assertTrue(s.needsClean(), "a bundle was updated from the monitor");
        s.release();
    }

    @Test
    void twoProcessesAtOnceNeverShareASlot() throws IOException {
        FrameworkStorage first = FrameworkStorage.acquire(cache, assembly, plan, List.of());
        FrameworkStorage second = FrameworkStorage.acquire(cache, assembly, plan, List.of());
        assertNotEquals(first.folder(), second.folder());
        first.release();
        second.release();
    }

    @Test
    void storageOfAnAssemblyThatIsGoneIsForgotten() throws IOException {
        Path other = Files.createDirectories(dir.resolve("scratch-assembly"));
        FrameworkStorage s = FrameworkStorage.acquire(cache, other, plan, List.of());
        s.release();
        Path kept = s.folder().getParent().getParent();
        assertTrue(Files.isDirectory(kept));
        Files.delete(other);
        FrameworkStorage.acquire(cache, assembly, plan, List.of()).release();
        assertFalse(Files.exists(kept), "the scratch assembly's storage");
    }

    @Test
    void anUnwritableCacheFallsBackToATemporaryFolder() throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
        FrameworkStorage s = FrameworkStorage.acquire(file, assembly, plan, List.of());
        assertTrue(s.temporary());
        assertTrue(s.needsClean());
        s.release();
        FrameworkStopper.deleteTree(s.folder());
    }
}
