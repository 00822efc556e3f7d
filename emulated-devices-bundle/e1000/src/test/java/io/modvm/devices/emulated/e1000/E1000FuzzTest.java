package io.modvm.devices.emulated.e1000;

import static io.modvm.devices.emulated.e1000.E1000Harness.MAC;
import static io.modvm.devices.emulated.e1000.E1000Harness.RAM;
import static io.modvm.devices.emulated.e1000.E1000Harness.RX_RING;
import static io.modvm.devices.emulated.e1000.E1000Harness.TX_BUFFERS;
import static io.modvm.devices.emulated.e1000.E1000Harness.TX_RING;
import static io.modvm.devices.emulated.e1000.E1000Harness.await;
import static io.modvm.devices.emulated.e1000.E1000Harness.frame;
import static io.modvm.devices.emulated.e1000.E1000Registers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random descriptors and ring registers, as a hostile or broken driver writes them: whatever they say, no
 * register access throws, the ring threads stay alive, and a driver that programs the rings properly afterwards
 * moves frames both ways.
 */
class E1000FuzzTest {
    private static final long SEED = 0xE1000L;
    private static final int ROUNDS = 300;

    private static long address(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> 0;
            case 1 -> RAM - r.nextInt(4096);
            case 2 -> r.nextLong();
            default -> TX_BUFFERS + r.nextInt(0x10000);
        };
    }

    @Test
    void randomDescriptorsAndRingRegistersNeverStopTheDevice() throws Exception {
        Random r = new Random(SEED);
        try (E1000Harness h = new E1000Harness()) {
            h.memory.write(TX_BUFFERS, frame(MAC, 0x0800, 1500), 0, 1500);
            for (int round = 0; round < ROUNDS; round++) {
                h.transmitRing(16);
                h.reg(CTRL, r.nextBoolean() ? CTRL_VME : 0);
                for (int i = 0; i < 16; i++) {
                    int lower = r.nextInt() & ~(0x20 << 24) | (r.nextBoolean() ? 0x20 << 24 : 0);
                    if (r.nextInt(4) == 0) {
                        lower = lower & 0xFF0F_0000 | r.nextInt(70000);
                    }
                    h.txDescriptor(i, address(r), lower, r.nextInt());
                }
                h.receiveRing(8, 2048 >> r.nextInt(4), r.nextInt() & ~(RCTL_EN | 1));
                for (int i = 0; i < 8; i++) {
                    h.memory.writeLong(RX_RING + 16L * i, address(r));
                }
                h.backend.deliver(frame(r.nextBoolean() ? MAC : new byte[] {-1, -1, -1, -1, -1, -1}, 0x8100,
                        14 + r.nextInt(3000)));
                int[] regs = {TDT, TDH, TDLEN, RDT, RDH, RDLEN, TDBAH, RDBAH};
                int reg = regs[r.nextInt(regs.length)];
                h.reg(reg, r.nextInt(4) == 0 ? r.nextInt() : r.nextInt(20));
                h.reg(TDT, r.nextInt(16));
                Thread.sleep(1);
            }
            h.reg(CTRL, 0);
            h.transmitRing(16);
            for (int i = 0; i < 16; i++) {
                h.txDescriptor(i, 0, 0, 0);
            }
            h.txDescriptor(0, TX_BUFFERS, 1500 | 1 << 24, 0);
            int before = h.backend.sent().size();
            h.reg(TDT, 1);
            assertTrue(await(() -> h.backend.sent().size() == before + 1, 2000), "the transmit thread lives");
            assertTrue(await(() -> h.backend.waiting() == 0 || h.reg(RDH) > 0, 2000));
            while (h.backend.waiting() > 0) {
                h.backend.receive(new java.nio.ByteBuffer[] {java.nio.ByteBuffer.allocate(4000)});
            }
            h.receiveRing(8, 2048, 0);
            h.backend.deliver(frame(MAC, 0x0800, 100));
            assertTrue(await(() -> h.reg(RDH) == 1, 2000), "the receive thread lives");
            assertEquals(104, h.rxLength(0));
        }
    }
}
