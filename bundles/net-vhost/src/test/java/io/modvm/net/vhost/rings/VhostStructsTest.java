package io.modvm.net.vhost.rings;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modvm.api.memory.RamMapping;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class VhostStructsTest {
    @Test
    void vringAddrIsIndexFlagsThenDescUsedAvailLog() {
        ByteBuffer b = VhostStructs.vringAddr(3, 0x1000, 0x2000, 0x3000);
        assertEquals(40, b.remaining());
        assertEquals(3, b.getInt(0));
        assertEquals(0, b.getInt(4));
        assertEquals(0x1000, b.getLong(8));
        assertEquals(0x2000, b.getLong(16));
        assertEquals(0x3000, b.getLong(24));
        assertEquals(0, b.getLong(32));
    }

    @Test
    void stateAndFileAreTwoWords() {
        ByteBuffer s = VhostStructs.vringState(1, 77);
        assertEquals(8, s.remaining());
        assertEquals(1, s.getInt(0));
        assertEquals(77, VhostStructs.stateNum(s));
        ByteBuffer f = VhostStructs.vringFile(2, -1);
        assertEquals(2, f.getInt(0));
        assertEquals(-1, f.getInt(4));
    }

    @Test
    void memoryTableEndsRegionsWithTheMmapOffsetForVhostUserOnly() {
        List<RamMapping> m = List.of(new RamMapping(0, 0xA0000, 0x7f00_0000_0000L, 9, 0),
                new RamMapping(0x1_0000_0000L, 0x100000, 0x7f00_1000_0000L, 9, 0x8000000));
        ByteBuffer user = VhostStructs.memoryTable(m, true).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(8 + 2 * 32, user.remaining());
        assertEquals(2, user.getInt(0));
        assertEquals(0x1_0000_0000L, user.getLong(8 + 32));
        assertEquals(0x100000, user.getLong(8 + 32 + 8));
        assertEquals(0x7f00_1000_0000L, user.getLong(8 + 32 + 16));
        assertEquals(0x8000000, user.getLong(8 + 32 + 24));
        ByteBuffer kernel = VhostStructs.memoryTable(m, false);
        assertEquals(0, kernel.getLong(8 + 32 + 24), "the kernel's flags_padding");
    }
}
