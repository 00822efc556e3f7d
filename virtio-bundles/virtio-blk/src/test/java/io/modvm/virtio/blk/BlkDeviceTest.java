package io.modvm.virtio.blk;

import static io.modvm.virtio.blk.BlkRig.DATA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.virtio.queue.HeapGuestMemory;
import io.modvm.virtio.queue.TestDriver.Buf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The device's life: activation starts its queue thread, kicks are served there, reset and close stop it. */
class BlkDeviceTest {
    @TempDir
    Path dir;

    private static boolean queueThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("virtio-blk vd0 q0") && t.isAlive());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void servesKicksOnItsOwnThreadUntilReset() throws Exception {
        Path file = dir.resolve("d.raw");
        Files.write(file, new byte[64 * 1024]);
        BlkRig rig = new BlkRig(new HeapGuestMemory().add(BlkRig.RAM, BlkRig.RAM_SIZE), file, false, "", true);
        AtomicInteger closes = new AtomicInteger();
        BlkDevice device = new BlkDevice(rig.device.drive(), closes::incrementAndGet);
        device.activate(rig.activation);
        for (int i = 0; i < 3; i++) {
            rig.add(VirtioBlk.T_IN, i, List.of(), List.of(new Buf(DATA, 512)), false);
            rig.activation.kick(0);
            while (rig.driver.usedIdx() != i + 1) {
                Thread.sleep(1);
            }
            assertEquals(VirtioBlk.S_OK, rig.take().status());
        }
        assertEquals(3, rig.activation.queue(0).nextAvailIndex());
        assertEquals(3, rig.activation.queue(0).nextUsedIndex());
        assertNotEquals(0, device.state().features());
        assertTrue(queueThreadAlive());
        device.reset();
        // reset() returns only once the queue thread has ended, so nothing touches the queue afterwards.
        assertFalse(queueThreadAlive());
        rig.add(VirtioBlk.T_IN, 0, List.of(), List.of(new Buf(DATA, 512)), false);
        rig.activation.kick(0);
        assertEquals(3, rig.driver.usedIdx());
        device.close();
        device.close();
        assertEquals(1, closes.get());
        rig.image.read(java.nio.ByteBuffer.allocate(512), 0); // the image is the backend's to close, not the device's
    }
}
