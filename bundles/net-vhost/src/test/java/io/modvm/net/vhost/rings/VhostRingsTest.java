package io.modvm.net.vhost.rings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modvm.api.memory.RamMapping;
import io.modvm.api.net.Vring;
import io.modvm.api.net.VringSetup;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The programming sequence, against a device that records what it is asked. */
class VhostRingsTest {
    private static final long HOST = 0x7f12_0000_0000L;

    private static final class Recording implements VhostDevice {
        final List<String> calls = new ArrayList<>();
        boolean gone;

        @Override
        public long features() {
            return 0;
        }

        @Override
        public void setFeatures(long features) {
            calls.add("features " + Long.toHexString(features));
        }

        @Override
        public void setMemTable(List<RamMapping> memory) {
            calls.add("mem " + memory.size());
        }

        @Override
        public void setVringNum(int index, int size) {
            calls.add("num " + index + " " + size);
        }

        @Override
        public void setVringAddr(int index, long desc, long used, long avail, long logUsed) {
            calls.add("addr " + index + " " + Long.toHexString(desc) + " " + Long.toHexString(used) + " "
                    + Long.toHexString(avail) + (logUsed >= 0 ? " log " + Long.toHexString(logUsed) : ""));
        }

        @Override
        public void setLogBase(VhostLog log) {
            calls.add("log base " + log.size());
        }

        @Override
        public void setVringBase(int index, int base) {
            calls.add("base " + index + " " + base);
        }

        @Override
        public int vringBase(int index) throws IOException {
            if (gone) {
                throw new IOException("gone");
            }
            return 100 + index;
        }

        @Override
        public void setVringKick(int index, int fd) {
            calls.add("kick " + index + " " + fd);
        }

        @Override
        public void setVringCall(int index, int fd) {
            calls.add("call " + index + " " + fd);
        }
    }

    private static VringSetup setup() {
        return new VringSetup(0x1_3000_8000L, List.of(new RamMapping(0, 0x100000, HOST, 5, 0),
                new RamMapping(0x1_0000_0000L, 0x100000, HOST + 0x100000, 5, 0x100000)),
                List.of(new Vring(2, 256, 0x1000, 0x2000, 0x3000, 17, 30, 31),
                        new Vring(3, 256, 0x1_0000_4000L, 0x1_0000_5000L, 0x1_0000_6000L, 9, 32, -1)), 2, 0);
    }

    @Test
    void featuresMemoryThenEachRingInQemuOrderAtHostAddresses() throws IOException {
        Recording d = new Recording();
        VringSetup s = setup();
        VhostRings.start(d, VhostRings.acknowledged(s.features(), 0x1_0000_8000L, 1L << 30), s, s.rings(), q -> q % 2,
                null);
        assertEquals(List.of("features 140008000", "mem 2",
                "num 0 256", "base 0 17", "addr 0 7f1200001000 7f1200003000 7f1200002000", "kick 0 30", "call 0 31",
                "num 1 256", "base 1 9", "addr 1 7f1200104000 7f1200106000 7f1200105000", "kick 1 32", "call 1 -1"),
                d.calls);
    }

    @Test
    void aLogGoesFirstThenLogAllAndEachUsedRingsGuestAddress() throws IOException {
        Recording d = new Recording();
        VringSetup s = setup();
        try (VhostLog log = VhostLog.create("test", 0x1_0010_0000L)) {
            VhostRings.start(d, 0x1_0000_0000L, s, s.rings().subList(0, 1), q -> q % 2, log);
            assertEquals(List.of("log base " + log.size(), "features 104000000", "mem 2", "num 0 256", "base 0 17",
                    "addr 0 7f1200001000 7f1200003000 7f1200002000 log 3000", "kick 0 30", "call 0 31"), d.calls);
        }
    }

    @Test
    void loggingTurnsOnAndOffOnRunningRingsAsQemuDoes() throws IOException {
        Recording d = new Recording();
        VringSetup s = setup();
        try (VhostLog log = VhostLog.create("test", 0x1_0010_0000L)) {
            VhostRings.log(d, 0x1_0000_0000L, s, s.rings(), q -> q % 2, log);
            VhostRings.log(d, 0x1_0000_0000L, s, s.rings(), q -> q % 2, null);
            assertEquals(List.of("log base " + log.size(), "features 104000000",
                    "addr 0 7f1200001000 7f1200003000 7f1200002000 log 3000",
                    "addr 1 7f1200104000 7f1200106000 7f1200105000 log 100006000",
                    "features 100000000",
                    "addr 0 7f1200001000 7f1200003000 7f1200002000",
                    "addr 1 7f1200104000 7f1200106000 7f1200105000"), d.calls);
        }
    }

    @Test
    void stopAsksEachRingAndSaysMinusOneForABackendThatIsGone() {
        Recording d = new Recording();
        assertArrayEquals(new int[] {100, 101}, VhostRings.stop(d, setup().rings(), q -> q % 2));
        d.gone = true;
        assertArrayEquals(new int[] {-1, -1}, VhostRings.stop(d, setup().rings(), q -> q % 2));
    }
}
